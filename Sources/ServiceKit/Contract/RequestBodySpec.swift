/// What a route accepts as its body: one or more media types, each with its schema. Declared
/// with the route, it becomes the operation's `requestBody`.
public struct RequestBodySpec: Sendable {
    let contents: [MessageContent]
    let required: Bool

    /// JSON of `type`, which ``Request/decodeJSON(as:context:)`` checks against the same schema.
    public static func json<Model: APIModel>(_ type: Model.Type) -> RequestBodySpec {
        RequestBodySpec(contents: [.json(type)], required: true)
    }

    /// `multipart/form-data` with these parts: `files` carry bytes, `fields` text.
    public static func multipart(files: [String], fields: [String: JSONSchema] = [:], required: [String]) -> RequestBodySpec {
        var properties = fields
        for file in files {
            properties[file] = JSONSchema(.string, format: "binary")
        }
        let form = MessageContent(mediaType: "multipart/form-data", schema: .object(properties, required: required))
        return RequestBodySpec(contents: [form], required: true)
    }

    /// Raw bytes in any of `mediaTypes`.
    public static func bytes(_ mediaTypes: [String]) -> RequestBodySpec {
        RequestBodySpec(contents: mediaTypes.map(MessageContent.bytes), required: true)
    }

    /// The same body, which a request may leave out.
    public var optional: RequestBodySpec {
        RequestBodySpec(contents: contents, required: false)
    }

    /// Either this body or `other`, told apart by `Content-Type`.
    public func or(_ other: RequestBodySpec) -> RequestBodySpec {
        RequestBodySpec(contents: contents + other.contents, required: required && other.required)
    }
}
