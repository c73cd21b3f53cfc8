import Foundation
import Hummingbird
import ServiceKit

/// A run's events as Server-Sent Events (``EventStream`` over ``RunEventLog``): `id:` is the
/// stream entry id, so `Last-Event-ID` resumes on any replica; the stream ends after the run
/// does, or after `AGENT_SSE_MAX_SECONDS`. Each open stream holds one of the replica's
/// ``StreamSlots`` (503 with `Retry-After` when none is free).
struct RunEventStream: Sendable {
    let events: RunEventLog
    let stream: EventStream
    let slots: StreamSlots

    /// - Parameter holdingSlot: the caller took the stream's slot already (it is released when the stream ends).
    func response(_ runID: UUID, request: Request, holdingSlot: Bool = false) throws -> Response {
        guard events.redis != nil else {
            if holdingSlot { slots.release() }
            throw HTTPError(.serviceUnavailable, message: "Redis is not configured, so run events are not available.")
        }
        // Ids of another shape were not issued here: the stream is then read from its start.
        let resumeFrom = request.headers[.lastEventID].flatMap {
            $0.range(of: #"^[0-9]{1,20}-[0-9]{1,20}$"#, options: .regularExpression) == nil ? nil : $0
        }
        if !holdingSlot { try slots.acquire() }
        let (events, slots) = (self.events, self.slots)
        var response = stream.response(
            after: resumeFrom,
            onClose: { slots.release() },
            read: { after in try await events.events(runID, after: after) }
        )
        response.headers[.contentLocation] = Self.path(runID)
        return response
    }

    static func path(_ runID: UUID) -> String { "/v1/runs/\(runID.lowercased)/events" }
}
