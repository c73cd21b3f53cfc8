/// One media type a body may be sent in, with the schema of what it carries and the named
/// definitions that schema refers to.
public struct MessageContent: Sendable {
    let mediaType: String
    let schema: JSONSchema
    let definitions: [String: JSONSchema]

    init(mediaType: String, schema: JSONSchema, definitions: [String: JSONSchema] = [:]) {
        self.mediaType = mediaType
        self.schema = schema
        self.definitions = definitions
    }

    static func json<Model: APIModel>(_ type: Model.Type, mediaType: String = "application/json") -> MessageContent {
        let entry = SchemaCatalog.entry(of: type)
        return MessageContent(mediaType: mediaType, schema: entry.schema, definitions: entry.definitions)
    }

    /// Bytes that are not JSON (a file, audio, a stream of events).
    static func bytes(_ mediaType: String) -> MessageContent {
        MessageContent(mediaType: mediaType, schema: JSONSchema(.string, format: "binary"))
    }
}
