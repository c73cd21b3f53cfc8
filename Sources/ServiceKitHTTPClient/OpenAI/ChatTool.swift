import ServiceKit

/// A function the model may call, described by a JSON Schema of its parameters.
public struct ChatTool: Encodable, Sendable, Equatable {
    public struct Function: Encodable, Sendable, Equatable {
        public var name: String
        public var description: String?
        public var parameters: AnyJSON
    }

    public let type = "function"
    public var function: Function

    public init(name: String, description: String? = nil, parameters: AnyJSON) {
        self.function = Function(name: name, description: description, parameters: parameters)
    }

    enum CodingKeys: String, CodingKey { case type, function }
}

/// Whether and which tool the model must call.
public enum ToolChoice: Sendable, Equatable, Encodable {
    case auto, none, required
    case function(String)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .auto: try container.encode("auto")
        case .none: try container.encode("none")
        case .required: try container.encode("required")
        case .function(let name): try container.encode(["type": AnyJSON.string("function"), "function": .object(["name": .string(name)])])
        }
    }
}
