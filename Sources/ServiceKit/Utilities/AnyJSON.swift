/// Any JSON value, for payloads that services store or pass on without a schema of their own.
public indirect enum AnyJSON: Codable, Sendable, Equatable, JSONSchemaRepresentable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers stay integers on the way out.
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Any JSON. Free-form, so client generators can type it; ``SchemaValidator`` still refuses
    /// U+0000 in it, which PostgreSQL cannot store (a schema saying so would have to recurse,
    /// and generators do not read recursive schemas).
    public static var jsonSchema: JSONSchema { .any }
    public static var schemaPlaceholder: AnyJSON { .null }

    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}
