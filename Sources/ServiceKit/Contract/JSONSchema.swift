/// A JSON Schema (the 2020-12 subset OpenAPI 3.1 documents use): what a body or a parameter
/// may hold. Derived from Codable types by ``SchemaReflector``, served in `/openapi.json`, and
/// the rules ``SchemaValidator`` checks request bodies against.
public struct JSONSchema: Sendable, Equatable, Encodable {
    /// A JSON type.
    public enum Kind: String, Sendable, Encodable {
        case string, integer, number, boolean, object, array, null
    }

    /// The types allowed; empty allows any JSON value.
    public var types: [Kind] = []
    public var format: String?
    public var description: String?
    public var enumValues: [String]?
    public var minLength: Int?
    public var maxLength: Int?
    public var pattern: String?
    public var minimum: Double?
    public var maximum: Double?
    public var minItems: Int?
    public var maxItems: Int?
    public var properties: [String: JSONSchema]?
    public var required: [String]?
    /// The name of a schema under `components/schemas` this one stands for.
    public var reference: String?
    /// Shapes of which the value must match at least one (a text or a list of texts, say).
    public var anyOf: [JSONSchema]?
    // One element or none: arrays let the type hold itself.
    private var itemsBox: [JSONSchema] = []
    private var additionalBox: [JSONSchema] = []

    public init(_ types: Kind..., format: String? = nil) {
        self.types = types
        self.format = format
    }

    public static let any = JSONSchema()
    /// Text PostgreSQL can store: anything but U+0000, which neither `text` nor `jsonb` holds.
    public static let string = JSONSchema.pattern(storableText)
    public static let storableText = "^[^\\x00]*$"
    /// Text with at least one character that is not white space.
    public static let nonBlankText = "\\S"
    public static let integer = JSONSchema(.integer)
    public static let number = JSONSchema(.number)
    public static let boolean = JSONSchema(.boolean)

    /// A string matching `pattern`.
    public static func pattern(_ pattern: String) -> JSONSchema {
        var schema = JSONSchema(.string)
        schema.pattern = pattern
        return schema
    }

    public static func array(of items: JSONSchema) -> JSONSchema {
        var schema = JSONSchema(.array)
        schema.items = items
        return schema
    }

    /// An object with these properties (only `required` ones must be present).
    public static func object(_ properties: [String: JSONSchema], required: [String] = []) -> JSONSchema {
        var schema = JSONSchema(.object)
        schema.properties = properties
        schema.required = required.sorted()
        return schema
    }

    /// An object whose keys are free and whose values all match `values`.
    public static func map(of values: JSONSchema) -> JSONSchema {
        var schema = JSONSchema(.object)
        schema.additionalProperties = values
        return schema
    }

    /// A value of any of these shapes.
    public static func anyOf(_ variants: [JSONSchema]) -> JSONSchema {
        var schema = JSONSchema()
        schema.anyOf = variants
        return schema
    }

    public static func reference(_ name: String) -> JSONSchema {
        var schema = JSONSchema()
        schema.reference = name
        return schema
    }

    public var items: JSONSchema? {
        get { itemsBox.first }
        set { itemsBox = newValue.map { [$0] } ?? [] }
    }

    public var additionalProperties: JSONSchema? {
        get { additionalBox.first }
        set { additionalBox = newValue.map { [$0] } ?? [] }
    }

    /// The same schema also allowing `null`.
    var allowingNull: JSONSchema {
        let null = JSONSchema(.null)
        if let variants = anyOf {
            return variants.contains(null) ? self : .anyOf(variants + [null])
        }
        if reference != nil { return .anyOf([self, null]) }
        guard !types.isEmpty, !types.contains(.null) else { return self }
        var schema = self
        schema.types.append(.null)
        return schema
    }

    private enum CodingKeys: String, CodingKey {
        case type, format, description, minLength, maxLength, pattern, minimum, maximum, minItems, maxItems, properties, required, items,
            additionalProperties, anyOf
        case enumValues = "enum"
        case reference = "$ref"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let reference {
            try container.encode("#/components/schemas/\(reference)", forKey: .reference)
        }
        if types.count == 1 {
            try container.encode(types[0], forKey: .type)
        } else if !types.isEmpty {
            try container.encode(types, forKey: .type)
        }
        try container.encodeIfPresent(format, forKey: .format)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encodeIfPresent(enumValues, forKey: .enumValues)
        try container.encodeIfPresent(minLength, forKey: .minLength)
        try container.encodeIfPresent(maxLength, forKey: .maxLength)
        try container.encodeIfPresent(pattern, forKey: .pattern)
        try container.encodeIfPresent(minimum, forKey: .minimum)
        try container.encodeIfPresent(maximum, forKey: .maximum)
        try container.encodeIfPresent(minItems, forKey: .minItems)
        try container.encodeIfPresent(maxItems, forKey: .maxItems)
        try container.encodeIfPresent(properties, forKey: .properties)
        if let required, !required.isEmpty {
            try container.encode(required, forKey: .required)
        }
        try container.encodeIfPresent(items, forKey: .items)
        try container.encodeIfPresent(additionalProperties, forKey: .additionalProperties)
        try container.encodeIfPresent(anyOf, forKey: .anyOf)
    }
}
