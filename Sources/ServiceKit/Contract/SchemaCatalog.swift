import NIOConcurrencyHelpers

/// The schemas of the process's ``APIModel`` types, each reflected once: at route declaration,
/// so a type the reflector cannot follow stops the service at start, not at a request.
enum SchemaCatalog {
    /// A model's schema with the named definitions it refers to.
    struct Entry: Sendable {
        let schema: JSONSchema
        let definitions: [String: JSONSchema]

        var validator: SchemaValidator { SchemaValidator(definitions: definitions) }
    }

    private static let entries = NIOLockedValueBox<[ObjectIdentifier: Entry]>([:])

    static func entry<Model: APIModel>(of type: Model.Type) -> Entry {
        if let entry = entries.withLockedValue({ $0[ObjectIdentifier(type)] }) { return entry }
        let reflector = SchemaReflector()
        do {
            let schema = try reflector.reflect(type).schema
            let entry = Entry(schema: schema, definitions: reflector.definitions)
            entries.withLockedValue { $0[ObjectIdentifier(type)] = entry }
            return entry
        } catch {
            preconditionFailure("the schema of \(type) cannot be derived: \(error)")
        }
    }
}
