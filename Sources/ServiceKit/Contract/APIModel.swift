/// A body a route takes or answers with: part of the service's HTTP contract. Its JSON
/// Schema is derived from its own Codable conformance (``SchemaReflector``), named after the
/// type under `components/schemas`, and a request body of this type is checked against it
/// before it is decoded, so the document and the behaviour cannot disagree.
public protocol APIModel: Codable, Sendable {
    /// Rules beyond the property types, by property name as sent on the wire.
    static var fieldConstraints: [String: FieldConstraint] { get }
    /// The name under `components/schemas`; the type's own name unless two would clash.
    static var schemaName: String { get }
}

extension APIModel {
    public static var fieldConstraints: [String: FieldConstraint] { [:] }
    public static var schemaName: String { String(describing: Self.self) }
}

/// A value type with a schema of its own rather than one derived from its coding (an
/// identifier, a date, free-form JSON), and a value the reflector can stand in with.
public protocol JSONSchemaRepresentable: Decodable {
    static var jsonSchema: JSONSchema { get }
    static var schemaPlaceholder: Self { get }
}

/// A string enumeration; its schema lists its raw values.
public protocol SchemaEnumeration: CaseIterable, RawRepresentable, Decodable where RawValue == String {}

/// What a property must satisfy beyond its type: lengths, ranges, a pattern, a format, or a
/// narrower JSON type (free-form JSON that must be an object). Combine them by chaining.
public struct FieldConstraint: Sendable {
    let apply: @Sendable (inout JSONSchema) -> Void

    private init(_ apply: @escaping @Sendable (inout JSONSchema) -> Void = { _ in }) {
        self.apply = apply
    }

    private func adding(_ change: @escaping @Sendable (inout JSONSchema) -> Void) -> FieldConstraint {
        let previous = apply
        return FieldConstraint { schema in
            previous(&schema)
            change(&schema)
        }
    }

    /// A string of `range` characters (Unicode scalars, as JSON Schema counts them).
    public static func length(_ range: ClosedRange<Int>) -> FieldConstraint { FieldConstraint().length(range) }
    public func length(_ range: ClosedRange<Int>) -> FieldConstraint {
        adding { schema in
            schema.minLength = range.lowerBound
            schema.maxLength = range.upperBound
        }
    }

    public static func range(_ range: ClosedRange<Double>) -> FieldConstraint { FieldConstraint().range(range) }
    public func range(_ range: ClosedRange<Double>) -> FieldConstraint {
        adding { schema in
            schema.minimum = range.lowerBound
            schema.maximum = range.upperBound
        }
    }

    public static func items(_ range: ClosedRange<Int>) -> FieldConstraint { FieldConstraint().items(range) }
    public func items(_ range: ClosedRange<Int>) -> FieldConstraint {
        adding { schema in
            schema.minItems = range.lowerBound
            schema.maxItems = range.upperBound
        }
    }

    /// An ECMA-262 regular expression the string must contain a match of (anchor it to match the whole).
    public static func pattern(_ pattern: String) -> FieldConstraint { FieldConstraint().pattern(pattern) }
    public func pattern(_ pattern: String) -> FieldConstraint {
        adding { $0.pattern = pattern }
    }

    /// Text that is not empty or white space only.
    public static let nonBlank = FieldConstraint().nonBlank
    public var nonBlank: FieldConstraint { pattern(JSONSchema.nonBlankText) }

    /// A format ``SchemaValidator`` checks: `date-time` (RFC 3339) or `uuid`.
    public static func format(_ format: String) -> FieldConstraint { FieldConstraint().format(format) }
    public func format(_ format: String) -> FieldConstraint {
        adding { $0.format = format }
    }

    public static func oneOf(_ values: [String]) -> FieldConstraint { FieldConstraint().oneOf(values) }
    public func oneOf(_ values: [String]) -> FieldConstraint {
        adding { $0.enumValues = values }
    }

    /// Narrows free-form JSON to one type, keeping `null` if the property allowed it.
    public static func kind(_ kind: JSONSchema.Kind) -> FieldConstraint { FieldConstraint().kind(kind) }
    public func kind(_ kind: JSONSchema.Kind) -> FieldConstraint {
        adding { schema in
            schema.types = schema.types.contains(.null) ? [kind, .null] : [kind]
        }
    }

    public static func describing(_ text: String) -> FieldConstraint { FieldConstraint().describing(text) }
    public func describing(_ text: String) -> FieldConstraint {
        adding { $0.description = text }
    }
}
