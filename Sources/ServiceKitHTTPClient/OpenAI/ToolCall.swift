import Foundation
import ServiceKit

/// A function call the model asks for: its id (to answer with ``ChatMessage/toolResult(for:_:)``),
/// the function's name and its arguments as the JSON text the model wrote.
public struct ToolCall: Codable, Sendable, Equatable {
    public struct Function: Codable, Sendable, Equatable {
        public var name: String
        public var arguments: String
    }

    public var id: String
    public var type: String
    public var function: Function

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.type = "function"
        self.function = Function(name: name, arguments: arguments)
    }

    public var name: String { function.name }

    /// The arguments parsed, or nil when the model wrote something that is not JSON.
    public var parsedArguments: AnyJSON? {
        try? JSONDecoder().decode(AnyJSON.self, from: Data(function.arguments.utf8))
    }
}
