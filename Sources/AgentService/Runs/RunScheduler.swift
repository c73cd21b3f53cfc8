import Foundation
import Logging
import ServiceKit
import ServiceLifecycle

/// Where runs get driven on this replica: runs started or resumed by a request here, and runs
/// whose lease lapsed (their replica died), which it claims every third of a lease.
///
/// On graceful shutdown it takes no new runs and lets the ones in hand reach their next
/// pause or end; a replica that dies instead leaves them to the others.
final class RunScheduler: Service, Sendable {
    private let executor: RunExecutor
    private let store: RunStore
    private let lease: Duration
    private let logger: Logger
    private let queue: AsyncStream<(run: UUID, requestID: String?)>
    private let continuation: AsyncStream<(run: UUID, requestID: String?)>.Continuation

    init(executor: RunExecutor, store: RunStore, lease: Duration, logger: Logger) {
        self.executor = executor
        self.store = store
        self.lease = lease
        self.logger = logger
        (queue, continuation) = AsyncStream.makeStream()
    }

    /// Drives a run this replica holds the lease of, under the request id that started it.
    func drive(_ runID: UUID, requestID: String?) {
        continuation.yield((runID, requestID))
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.claimLapsedRuns() }
            for await (runID, requestID) in queue.cancelOnGracefulShutdown() {
                group.addTask {
                    await RequestID.$current.withValue(requestID ?? RequestID.generate()) { await self.executor.drive(runID) }
                }
            }
            continuation.finish()
        }
    }

    /// Until shutdown begins (which cancels a wait or a claim in progress).
    private func claimLapsedRuns() async {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if self.store.database.isMigrated {
                        while let runID = try await self.store.claimExpired(owner: self.executor.owner, lease: self.lease) {
                            self.logger.info("resuming a run whose lease lapsed", metadata: ["run_id": "\(runID.lowercased)"])
                            self.drive(runID, requestID: nil)
                        }
                    }
                    try await Task.sleep(for: self.lease / 3)
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.warning("lapsed runs not claimed", metadata: ["error": "\(error)"])
                    try await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
