import Logging
import ServiceKit
import ServiceLifecycle

/// Keeps this replica's models in step with PostgreSQL: loads them all once the schema is
/// ready, then reloads a model whenever any replica announces a new version on Redis
/// (within the time a message takes to arrive). A lost subscription is re-established with
/// backoff and followed by a full reload, so announcements missed meanwhile are not lost.
struct ModelReloader: Service {
    let registry: ModelRegistry
    let database: Database
    let redis: RedisClient?
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    private func loop() async {
        let backoff = Backoff(base: .milliseconds(200), cap: .seconds(5))
        var failures = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            guard database.isMigrated else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            do {
                // Subscribe first, so that nothing announced during the full reload is missed.
                let subscription = try await redis?.subscribe(to: [ModelRegistry.channel])
                try await registry.reloadAll()
                failures = 0
                guard let subscription else {
                    // Without Redis, other replicas' trainings arrive by polling.
                    try await Task.sleep(for: .seconds(1))
                    continue
                }
                for try await message in subscription {
                    try await registry.reload(String(decoding: message.payload, as: UTF8.self))
                }
            } catch {
                if Task.isCancelled { return }
                if failures == 0 { logger.warning("model reload failed; retrying", metadata: ["error": "\(String(reflecting: error))"]) }
                try? await Task.sleep(for: backoff.delay(attempt: failures))
                failures += 1
            }
        }
    }

    /// Tells every replica (this one included) that `name` changed.
    static func announce(_ name: String, on redis: RedisClient?, logger: Logger) async {
        guard let redis else { return }
        do {
            _ = try await redis.publish(ModelRegistry.channel, Array(name.utf8))
        } catch {
            // PostgreSQL holds the change; other replicas pick it up at their next full reload (at start, or after their subscription is re-established).
            logger.warning("could not announce a model change", metadata: ["model": "\(name)", "error": "\(String(reflecting: error))"])
        }
    }
}
