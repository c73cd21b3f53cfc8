/// What a route answers with one status: what it means, the body (a JSON type, an event
/// stream or bytes) and headers it sets. A plain string literal is a description with no body
/// beyond the suite's problem document for errors.
public struct ResponseSpec: Sendable, ExpressibleByStringLiteral {
    let description: String
    let contents: [MessageContent]
    let headers: [String: String]

    init(description: String, contents: [MessageContent] = [], headers: [String: String] = [:]) {
        self.description = description
        self.contents = contents
        self.headers = headers
    }

    public init(stringLiteral description: String) {
        self.init(description: description)
    }

    public static func json<Model: APIModel>(_ type: Model.Type, _ description: String) -> ResponseSpec {
        ResponseSpec(description: description, contents: [.json(type)])
    }

    /// JSON of one of two types, as a field of the request chooses.
    public static func json<First: APIModel, Second: APIModel>(
        either first: First.Type,
        or second: Second.Type,
        _ description: String
    ) -> ResponseSpec {
        let (one, other) = (MessageContent.json(first), MessageContent.json(second))
        let either = MessageContent(
            mediaType: "application/json",
            schema: .anyOf([one.schema, other.schema]),
            definitions: one.definitions.merging(other.definitions) { kept, _ in kept }
        )
        return ResponseSpec(description: description, contents: [either])
    }

    /// `text/event-stream`: Server-Sent Events, each described by its fields.
    public static func eventStream(_ description: String) -> ResponseSpec {
        let event = JSONSchema.object(["id": .string, "event": .string, "data": .string, "retry": .integer])
        return ResponseSpec(description: description, contents: [MessageContent(mediaType: "text/event-stream", schema: event)])
    }

    /// Bytes of one of `mediaTypes` (or of whatever type was stored, for `*/*`).
    public static func bytes(_ mediaTypes: [String], _ description: String) -> ResponseSpec {
        ResponseSpec(description: description, contents: mediaTypes.map(MessageContent.bytes))
    }

    /// The same response, also in `other`'s media types (the request's `Accept` or a field choosing).
    public func or(_ other: ResponseSpec) -> ResponseSpec {
        ResponseSpec(description: description, contents: contents + other.contents, headers: headers.merging(other.headers) { own, _ in own })
    }

    /// The same response, documenting a header it carries (such as `Location`).
    public func header(_ name: String, _ description: String) -> ResponseSpec {
        ResponseSpec(description: self.description, contents: contents, headers: headers.merging([name: description]) { _, new in new })
    }
}

extension ResponseSpec {
    /// JSON of a type whose schema is its own (free-form JSON, say).
    public static func json<Value: JSONSchemaRepresentable>(_ type: Value.Type, _ description: String) -> ResponseSpec {
        ResponseSpec(description: description, contents: [MessageContent(mediaType: "application/json", schema: type.jsonSchema)])
    }
}
