/// A normalised entity value, encoded as the JSON a client reads (`{"value": 25}`,
/// `{"type": "interval", "from": …, "to": …, "grain": "hour"}`, …).
public indirect enum EntityValue: Sendable, Equatable, Codable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case object([String: EntityValue])

    /// `{"value": number}`, the shape of number, ordinal and percentage values.
    public static func value(_ number: Double) -> EntityValue { .object(["value": .number(number)]) }

    /// A member of an object value, for reading results.
    public subscript(key: String) -> EntityValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .object(try container.decode([String: EntityValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value):
            // Whole numbers stay integers on the way out.
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .object(let members): try container.encode(members)
        }
    }
}
