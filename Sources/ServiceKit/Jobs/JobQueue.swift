import Foundation

/// Puts jobs on Redis Streams and records their status changes.
///
/// A job is a stream entry (`job_id`, `attempt`, `payload`) on its queue's stream. Status
/// changes go to the stream `jobs:status` (for consumers such as ingestion's job table) and
/// to the job's own stream `jobs:status:<id>` (for Server-Sent Events, replayable from any
/// replica), both written by one script so they never disagree.
public struct JobQueue: Sendable {
    public static let statusStream = "jobs:status"
    /// How long a job's own status stream is kept after its last change.
    public static let statusRetention: Duration = .seconds(86_400)

    let redis: RedisClient
    /// Streams are trimmed to roughly this many entries (XADD MAXLEN ~).
    let maxLength: Int

    public init(redis: RedisClient, maxLength: Int = 100_000) {
        self.redis = redis
        self.maxLength = maxLength
    }

    /// Appends a job to `stream`; returns its entry id.
    @discardableResult
    public func enqueue(_ stream: String, jobID: String, payload: [UInt8], attempt: Int = 1) async throws -> String {
        try await redis.streamAdd(
            stream,
            fields: [("job_id", Array(jobID.utf8)), ("attempt", Array(String(attempt).utf8)), ("payload", payload)],
            approximateMaxLength: maxLength
        )
    }

    /// Records a status change; returns the event id in the job's own stream.
    @discardableResult
    public func publish(jobID: String, status: JobStatus, attempt: Int, error: String? = nil, result: String? = nil) async throws -> String {
        var fields = ["job_id", jobID, "status", status.rawValue, "attempt", String(attempt), "at", String(Int(Date().timeIntervalSince1970 * 1000))]
        if let error { fields += ["error", String(error.prefix(2000))] }
        if let result { fields += ["result", result] }
        let reply = try await redis.run(
            Self.publishScript,
            keys: [Self.statusStream, Self.statusStream + ":" + jobID],
            arguments: [String(maxLength), String(Self.statusRetention.milliseconds)] + fields
        )
        guard let id = reply.string else { throw RedisError.server("status publish returned \(reply)") }
        return id
    }

    /// A job's status changes after `eventID` (exclusive; nil for all), oldest first.
    public func statusEvents(jobID: String, after eventID: String?) async throws -> [JobStatusEvent] {
        let start = eventID.map { "(" + $0 } ?? "-"
        return try await redis.streamRange(Self.statusStream + ":" + jobID, from: start).compactMap(Self.event)
    }

    public static func event(_ entry: RedisClient.StreamEntry) -> JobStatusEvent? {
        func text(_ name: String) -> String? { entry[name].map { String(decoding: $0, as: UTF8.self) } }
        guard let jobID = text("job_id"), let status = text("status").flatMap(JobStatus.init(rawValue:)) else { return nil }
        return JobStatusEvent(
            eventID: entry.id,
            jobID: jobID,
            status: status,
            attempt: text("attempt").flatMap(Int.init) ?? 0,
            error: text("error"),
            result: text("result")
        )
    }

    /// KEYS: the shared status stream, the job's own. ARGV: max length, retention ms, then field/value pairs.
    static let publishScript = RedisScript(
        """
        local fields = {}
        for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
        redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
        local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        return id
        """
    )
}
