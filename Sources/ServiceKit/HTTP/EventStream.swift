import Hummingbird
import NIOCore

/// A `text/event-stream` response fed by polling a source that is readable after any event
/// id (a Redis stream, say), so any replica can serve it and `Last-Event-ID` resumes exactly
/// where a client left: each poll asks for the events after the last one written.
///
/// A heartbeat comment goes out after `heartbeat` of silence; the stream ends after an event
/// `read` marks as the last, after `maxLifetime` (the client reconnects with `Last-Event-ID`), or
/// when the client goes away. A failed poll is retried at the next interval.
public struct EventStream: Sendable {
    public let heartbeat: Duration
    public let maxLifetime: Duration?
    public let pollInterval: Duration

    public init(heartbeat: Duration, maxLifetime: Duration? = nil, pollInterval: Duration = .milliseconds(250)) {
        self.heartbeat = heartbeat
        self.maxLifetime = maxLifetime
        self.pollInterval = pollInterval
    }

    /// - Parameters:
    ///   - lastEventID: where to resume (exclusive); nil for the start.
    ///   - onClose: runs once when the stream ends, however it ends.
    ///   - read: the events after an id (nil: from the start), oldest first, each marked
    ///     `isLast` when the stream ends with it.
    public func response(
        after lastEventID: String?,
        onClose: @escaping @Sendable () -> Void = {},
        read: @escaping @Sendable (String?) async throws -> [(event: ServerSentEvent, isLast: Bool)]
    ) -> Response {
        let (heartbeat, maxLifetime, pollInterval) = (self.heartbeat, self.maxLifetime, self.pollInterval)
        let body = ResponseBody { writer in
            defer { onClose() }
            let started = ContinuousClock.now
            var lastEventID = lastEventID
            var lastWrite = started
            while !Task.isCancelled {
                for (event, isLast) in (try? await read(lastEventID)) ?? [] {
                    try await writer.write(ByteBuffer(string: event.formatted))
                    lastEventID = event.id
                    lastWrite = ContinuousClock.now
                    if isLast {
                        try await writer.finish(nil)
                        return
                    }
                }
                if let maxLifetime, ContinuousClock.now - started >= maxLifetime { break }
                if ContinuousClock.now - lastWrite >= heartbeat {
                    try await writer.write(ByteBuffer(string: ServerSentEvent.heartbeat))
                    lastWrite = ContinuousClock.now
                }
                try await Task.sleep(for: pollInterval)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
