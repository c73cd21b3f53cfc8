import NIOConcurrencyHelpers

/// One member of a Redis Streams consumer group: it creates the group when it is missing
/// (also after the stream was deleted), reads new entries, and takes over entries that
/// another member has held longer than `reclaimAfter` because it died before acknowledging.
/// Members are named per process, so nothing but reclaiming ever finishes a dead one's work.
public final class StreamGroupReader: Sendable {
    public let redis: RedisClient
    public let stream: String
    public let group: String
    public let consumer: String
    public let reclaimAfter: Duration
    private let groupReady = NIOLockedValueBox(false)

    public init(redis: RedisClient, stream: String, group: String, consumer: String, reclaimAfter: Duration) {
        self.redis = redis
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.reclaimAfter = reclaimAfter
    }

    /// New entries for this member, waiting up to `block` for one.
    public func read(count: Int, block: Duration) async throws -> [RedisClient.StreamEntry] {
        if !groupReady.withLockedValue({ $0 }) {
            try await redis.streamCreateGroup(stream, group: group, startingAt: "0")
            groupReady.withLockedValue { $0 = true }
        }
        do {
            return try await redis.streamReadGroup(stream, group: group, consumer: consumer, count: count, block: block)
        } catch RedisError.server(let message) where message.hasPrefix("NOGROUP") {
            groupReady.withLockedValue { $0 = false }
            throw RedisError.server(message)
        }
    }

    /// Entries this member read but has not acknowledged yet (its handling failed).
    public func ownPending(count: Int) async throws -> [RedisClient.StreamEntry] {
        guard groupReady.withLockedValue({ $0 }) else { return [] }
        return try await redis.streamReadGroup(stream, group: group, consumer: consumer, count: count, id: "0")
    }

    /// Entries abandoned by other members, now this one's, each with how often it was delivered.
    public func reclaim() async throws -> [(entry: RedisClient.StreamEntry, deliveries: Int)] {
        var claimed: [RedisClient.StreamEntry] = []
        var start = "0-0"
        repeat {
            let (next, entries) = try await redis.streamAutoClaim(stream, group: group, consumer: consumer, minIdle: reclaimAfter, start: start)
            claimed += entries
            start = next
        } while start != "0-0"
        guard !claimed.isEmpty else { return [] }
        let deliveries = Dictionary(try await redis.streamPending(stream, group: group, count: 1000).map { ($0.id, $0.deliveries) }) { first, _ in
            first
        }
        return claimed.map { ($0, deliveries[$0.id] ?? 2) }
    }

    public func acknowledge(_ ids: [String]) async throws {
        try await redis.streamAcknowledge(stream, group: group, ids: ids)
    }
}
