/// One Server-Sent Event as it goes on the wire: `id:`, `event:` and `data:` lines and a
/// blank line. `data` is one line of JSON in this suite, so it needs no splitting.
public struct ServerSentEvent: Sendable, Equatable {
    /// The id a client sends back as `Last-Event-ID` to resume after this event.
    public let id: String
    public let event: String
    public let data: String

    public init(id: String, event: String, data: String) {
        self.id = id
        self.event = event
        self.data = data
    }

    public var formatted: String {
        "id: \(id)\nevent: \(event)\ndata: \(data)\n\n"
    }

    /// The comment a stream sends while it has nothing to say, so idle proxies keep it open.
    public static let heartbeat = ": heartbeat\n\n"
}
