import Foundation

/// Derives JSON Schemas from `Decodable` types by running their own `init(from:)` against a
/// decoder that records what it is asked for: each key and its type, and whether it was read
/// as optional (`decodeIfPresent` asks whether the value is null first). The schema is thus
/// the coding itself, never a second description kept beside it. ``APIModel`` types become
/// named definitions, referenced where they occur.
final class SchemaReflector {
    /// The named schemas met so far, for `components/schemas`.
    private(set) var definitions: [String: JSONSchema] = [:]
    private var owners: [String: ObjectIdentifier] = [:]

    /// The schema of `type` and a value of it the reflector built on the way.
    func reflect<T: Decodable>(_ type: T.Type) throws -> (schema: JSONSchema, value: T) {
        if let leaf = Self.leaf(type) { return leaf }
        if let provided = type as? any JSONSchemaRepresentable.Type {
            guard let value = provided.schemaPlaceholder as? T else { throw ReflectionError.noPlaceholder(type) }
            return (provided.jsonSchema, value)
        }
        if let enumeration = type as? any SchemaEnumeration.Type {
            return try Self.enumeration(enumeration, as: type)
        }
        if let dictionary = type as? any StringKeyedDictionary.Type {
            guard let value = dictionary.empty as? T else { throw ReflectionError.noPlaceholder(type) }
            return (.map(of: try dictionary.valueSchema(using: self)), value)
        }
        let decoder = ReflectionDecoder(reflector: self)
        let value = try T(from: decoder)
        guard let model = type as? any APIModel.Type else { return (decoder.recording.schema, value) }
        for (field, constraint) in model.fieldConstraints {
            guard var property = decoder.recording.properties[field] else { throw ReflectionError.unknownField(field, model) }
            constraint.apply(&property)
            decoder.recording.properties[field] = property
        }
        let schema = decoder.recording.schema
        let name = model.schemaName
        if let owner = owners[name], owner != ObjectIdentifier(type) { throw ReflectionError.nameClash(name) }
        owners[name] = ObjectIdentifier(type)
        definitions[name] = schema
        return (.reference(name), value)
    }

    private static func enumeration<E: SchemaEnumeration, T>(_ enumeration: E.Type, as type: T.Type) throws -> (schema: JSONSchema, value: T) {
        guard let first = E.allCases.first as? T else { throw ReflectionError.noPlaceholder(type) }
        var schema = JSONSchema.string
        schema.enumValues = E.allCases.map(\.rawValue)
        return (schema, first)
    }

    private static func leaf<T>(_ type: T.Type) -> (schema: JSONSchema, value: T)? {
        func pair(_ schema: JSONSchema, _ value: Any) -> (schema: JSONSchema, value: T)? {
            (value as? T).map { (schema, $0) }
        }
        switch type {
        case is String.Type: return pair(.string, "")
        case is Bool.Type: return pair(.boolean, false)
        case is Int.Type: return pair(.integer, 0 as Int)
        case is Int64.Type: return pair(.integer, 0 as Int64)
        case is Int32.Type: return pair(.integer, 0 as Int32)
        case is Double.Type: return pair(.number, 0 as Double)
        case is Float.Type: return pair(.number, 0 as Float)
        case is UUID.Type: return pair(JSONSchema(.string, format: "uuid"), UUID())
        case is Date.Type: return pair(JSONSchema(.string, format: "date-time"), Date(timeIntervalSince1970: 0))
        case is URL.Type: return pair(JSONSchema(.string, format: "uri"), URL(fileURLWithPath: "/"))
        default: return nil
        }
    }

    enum ReflectionError: Error, CustomStringConvertible {
        case noPlaceholder(Any.Type)
        case unknownField(String, Any.Type)
        case nameClash(String)
        case unsupported(String)

        var description: String {
            switch self {
            case .noPlaceholder(let type): "no value of \(type) to reflect with"
            case .unknownField(let field, let type): "\(type) constrains \(field), which it does not code"
            case .nameClash(let name): "two types are named \(name) in one document; give one a schemaName"
            case .unsupported(let what): "schema reflection cannot follow \(what)"
            }
        }
    }
}

/// `[String: Value]`, whose decoding asks for keys the reflector cannot invent.
private protocol StringKeyedDictionary {
    static var empty: Self { get }
    static func valueSchema(using reflector: SchemaReflector) throws -> JSONSchema
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Decodable {
    fileprivate static var empty: Self { [:] }
    fileprivate static func valueSchema(using reflector: SchemaReflector) throws -> JSONSchema {
        try reflector.reflect(Value.self).schema
    }
}

/// What one value's decoding asked for; optional properties allow `null` (the decoder reads
/// it as absent), also after a constraint narrowed their type.
private final class Recording {
    var properties: [String: JSONSchema] = [:]
    var order: [String] = []
    var optional: Set<String> = []
    var items: JSONSchema?
    var itemsNullable = false
    var single: JSONSchema?
    var singleNullable = false
    var keyed = false

    var schema: JSONSchema {
        if keyed {
            var properties = properties
            for key in optional {
                properties[key] = properties[key]?.allowingNull
            }
            return .object(properties, required: order.filter { !optional.contains($0) })
        }
        if let items { return .array(of: itemsNullable ? items.allowingNull : items) }
        if let single { return singleNullable ? single.allowingNull : single }
        return .any
    }
}

private final class ReflectionDecoder: Decoder {
    let reflector: SchemaReflector
    let recording = Recording()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    init(reflector: SchemaReflector) {
        self.reflector = reflector
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        recording.keyed = true
        return KeyedDecodingContainer(KeyedReflection<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        UnkeyedReflection(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueReflection(decoder: self)
    }
}

private struct KeyedReflection<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: ReflectionDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool {
        decoder.recording.optional.insert(key.stringValue)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (schema, value) = try decoder.reflector.reflect(type)
        let recording = decoder.recording
        if recording.properties[key.stringValue] == nil { recording.order.append(key.stringValue) }
        recording.properties[key.stringValue] = schema
        return value
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type as Bool.Type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type as String.Type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type as Double.Type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type as Float.Type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type as Int.Type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw unsupported(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw unsupported(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type as Int32.Type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type as Int64.Type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw unsupported(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw unsupported(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw unsupported(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw unsupported(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { throw unsupported(type) }

    /// The generic path, which the concrete overloads share.
    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try decode(type, forKey: key) as T
    }

    private func unsupported(_ type: Any.Type) -> SchemaReflector.ReflectionError {
        .unsupported("\(type)")
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaReflector.ReflectionError.unsupported("a nested container at \(key.stringValue)")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw SchemaReflector.ReflectionError.unsupported("a nested container at \(key.stringValue)")
    }

    func superDecoder() throws -> any Decoder {
        throw SchemaReflector.ReflectionError.unsupported("a super decoder")
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        throw SchemaReflector.ReflectionError.unsupported("a super decoder")
    }
}

/// An array of one element: enough to learn the element's schema.
private struct UnkeyedReflection: UnkeyedDecodingContainer {
    let decoder: ReflectionDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= 1 }

    init(decoder: ReflectionDecoder) {
        self.decoder = decoder
    }

    mutating func decodeNil() throws -> Bool {
        decoder.recording.itemsNullable = true
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try decoder.reflector.reflect(type)
        decoder.recording.items = schema
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaReflector.ReflectionError.unsupported("a nested container in an array")
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw SchemaReflector.ReflectionError.unsupported("a nested container in an array")
    }

    mutating func superDecoder() throws -> any Decoder {
        throw SchemaReflector.ReflectionError.unsupported("a super decoder")
    }
}

private struct SingleValueReflection: SingleValueDecodingContainer {
    let decoder: ReflectionDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        decoder.recording.singleNullable = true
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try reflect(type) }
    func decode(_ type: Bool.Type) throws -> Bool { try reflect(type) }
    func decode(_ type: String.Type) throws -> String { try reflect(type) }
    func decode(_ type: Double.Type) throws -> Double { try reflect(type) }
    func decode(_ type: Float.Type) throws -> Float { try reflect(type) }
    func decode(_ type: Int.Type) throws -> Int { try reflect(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { throw SchemaReflector.ReflectionError.unsupported("\(type)") }
    func decode(_ type: Int16.Type) throws -> Int16 { throw SchemaReflector.ReflectionError.unsupported("\(type)") }
    func decode(_ type: Int32.Type) throws -> Int32 { try reflect(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try reflect(type) }
    func decode(_ type: UInt.Type) throws -> UInt { throw SchemaReflector.ReflectionError.unsupported("\(type)") }
    func decode(_ type: UInt8.Type) throws -> UInt8 { throw SchemaReflector.ReflectionError.unsupported("\(type)") }
    func decode(_ type: UInt16.Type) throws -> UInt16 { throw SchemaReflector.ReflectionError.unsupported("\(type)") }
    func decode(_ type: UInt32.Type) throws -> UInt32 { throw SchemaReflector.ReflectionError.unsupported("\(type)") }
    func decode(_ type: UInt64.Type) throws -> UInt64 { throw SchemaReflector.ReflectionError.unsupported("\(type)") }

    private func reflect<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try decoder.reflector.reflect(type)
        decoder.recording.single = schema
        return value
    }
}
