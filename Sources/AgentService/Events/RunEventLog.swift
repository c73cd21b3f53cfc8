import Foundation
import Logging
import ServiceKit

/// A run's events in the Redis stream `agent:run:<id>`, so that any replica serves them over
/// SSE and `Last-Event-ID` (the stream entry id) resumes exactly. The stream is kept a day
/// while the run goes on and `retention` after its last event. Appending never fails a run:
/// while Redis is down its events are lost (the run's state is in PostgreSQL) and logged.
struct RunEventLog: Sendable {
    let redis: RedisClient?
    let retention: Duration
    let logger: Logger

    /// How long the stream of a run that is still going is kept after its latest event.
    static let liveRetention: Duration = .seconds(86_400)
    static let maxLength = 10_000

    static func stream(_ runID: UUID) -> String { "agent:run:" + runID.lowercased }

    func append(_ event: RunEvent) async {
        guard let redis else { return }
        let keep = event.kind.isTerminal ? retention : Self.liveRetention
        do {
            _ = try await redis.run(
                Self.appendScript,
                keys: [Self.stream(event.runID)],
                arguments: [String(Self.maxLength), String(Int64(keep.seconds * 1000)), event.kind.rawValue, event.json]
            )
        } catch {
            logger.warning(
                "run event not recorded",
                metadata: ["run_id": "\(event.runID.lowercased)", "event": "\(event.kind.rawValue)", "error": "\(error)"]
            )
        }
    }

    /// The events after `eventID` (exclusive; nil for all), oldest first, each marked when the run ends with it.
    func events(_ runID: UUID, after eventID: String?) async throws -> [(event: ServerSentEvent, isLast: Bool)] {
        guard let redis else { throw RedisError.unavailable("Redis is not configured") }
        let entries = try await redis.streamRange(Self.stream(runID), from: eventID.map { "(" + $0 } ?? "-")
        return entries.compactMap { entry in
            guard let type = entry["event"].map({ String(decoding: $0, as: UTF8.self) }), let data = entry["data"] else { return nil }
            return (
                ServerSentEvent(id: entry.id, event: type, data: String(decoding: data, as: UTF8.self)),
                RunEvent.Kind(rawValue: type)?.isTerminal ?? false
            )
        }
    }

    /// KEYS: the run's stream. ARGV: max length, retention ms, event type, data.
    static let appendScript = RedisScript(
        """
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'event', ARGV[3], 'data', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return id
        """
    )
}
