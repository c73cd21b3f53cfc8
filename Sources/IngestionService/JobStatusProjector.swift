import Logging
import ServiceKit
import ServiceLifecycle

/// Keeps ingestion's job rows true by consuming `jobs:status` in the consumer group
/// `ingestion`, so each change is applied once across replicas; a change older than the
/// one already applied is ignored.
struct JobStatusProjector: Service {
    let store: IngestionStore
    let redis: RedisClient
    let logger: Logger
    let consumer = JobWorker.defaultConsumerName()
    static let group = "ingestion"

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    private func loop() async {
        var failures = 0
        var groupReady = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            guard store.database.isMigrated else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            do {
                if !groupReady {
                    try await redis.streamCreateGroup(JobQueue.statusStream, group: Self.group, startingAt: "0")
                    groupReady = true
                }
                // Pending first (ours from before a restart), then new entries.
                var entries = try await redis.streamReadGroup(JobQueue.statusStream, group: Self.group, consumer: consumer, count: 100, id: "0")
                if entries.isEmpty {
                    entries = try await redis.streamReadGroup(JobQueue.statusStream, group: Self.group, consumer: consumer, count: 100, block: .seconds(1))
                }
                for entry in entries {
                    if let event = JobQueue.event(entry), let order = Self.order(of: entry.id) {
                        try await store.apply(event, streamOrder: order)
                    }
                    try await redis.streamAcknowledge(JobQueue.statusStream, group: Self.group, ids: [entry.id])
                }
                failures = 0
            } catch {
                if case RedisError.server(let message) = error, message.hasPrefix("NOGROUP") { groupReady = false }
                if failures == 0 { logger.warning("job status projection paused", metadata: ["error": "\(String(reflecting: error))"]) }
                try? await Task.sleep(for: Backoff().delay(attempt: failures))
                failures += 1
            }
        }
    }

    /// A stream entry id `ms-seq` as a comparable pair.
    static func order(of id: String) -> (ms: Int64, seq: Int64)? {
        let parts = id.split(separator: "-")
        guard parts.count == 2, let ms = Int64(parts[0]), let seq = Int64(parts[1]) else { return nil }
        return (ms, seq)
    }
}
