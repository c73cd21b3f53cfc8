import Logging
import ServiceKit
import ServiceLifecycle

/// Keeps ingestion's job rows true by consuming `jobs:status` in the consumer group
/// `ingestion`, so each change is applied once across replicas; a change older than the
/// one already applied is ignored.
/// Changes a replica read but never acknowledged (it died) are reclaimed by another.
struct JobStatusProjector: Service {
    let store: IngestionStore
    let reader: StreamGroupReader
    let logger: Logger

    init(store: IngestionStore, redis: RedisClient, logger: Logger) {
        self.store = store
        self.reader = StreamGroupReader(
            redis: redis,
            stream: JobQueue.statusStream,
            group: "ingestion",
            consumer: JobWorker.defaultConsumerName(),
            reclaimAfter: .seconds(30)
        )
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    private func loop() async {
        var failures = 0
        var lastReclaim = ContinuousClock.now
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            guard store.database.isMigrated else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            do {
                // Ours that failed to apply first, then others' abandoned ones now and then, then new ones.
                var entries = try await reader.ownPending(count: 100)
                if entries.isEmpty, ContinuousClock.now - lastReclaim >= reader.reclaimAfter / 2 {
                    lastReclaim = ContinuousClock.now
                    entries = try await reader.reclaim().map(\.entry)
                }
                if entries.isEmpty {
                    entries = try await reader.read(count: 100, block: .seconds(1))
                }
                for entry in entries {
                    if let event = JobQueue.event(entry), let order = Self.order(of: entry.id) {
                        try await store.apply(event, streamOrder: order)
                    }
                    try await reader.acknowledge([entry.id])
                }
                failures = 0
            } catch {
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
