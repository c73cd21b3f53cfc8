import Foundation
import Logging
import ServiceKit

/// Drives one run through the graph from wherever its last checkpoint left it, writing a
/// checkpoint after every node, until it pauses for approval, completes or fails.
///
/// While it drives, a side task renews the run's lease every third of its length; if the
/// lease is lost (cancelled, or taken over after this replica stalled) the drive stops
/// without writing. A node that fails unexpectedly fails the run (`run.failed`).
struct RunExecutor: Sendable {
    let store: RunStore
    let graph: AgentGraph
    let clients: AgentClients
    let settings: AgentSettings
    let events: RunEventLog
    let metrics: AgentMetrics
    let logger: Logger
    /// This replica, as the runs' lease owner.
    let owner: String

    func drive(_ runID: UUID) async {
        metrics.runStarted()
        defer { metrics.runStopped() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.keepLease(runID) }
            group.addTask { await self.execute(runID) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once the lease is lost (or the drive is cancelled).
    private func keepLease(_ runID: UUID) async {
        let interval = settings.runLease / 3
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                if try await !store.renew(runID, owner: owner, lease: settings.runLease) { return }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("run lease not renewed", metadata: ["run_id": "\(runID.lowercased)", "error": "\(error)"])
            }
        }
    }

    private func execute(_ runID: UUID) async {
        do {
            guard let run = try await store.load(runID), run.status == .running, var node = run.currentNode else { return }
            var state = run.state
            var step = run.steps
            let emit = { (kind: RunEvent.Kind, data: [String: AnyJSON]) in
                await events.append(RunEvent(kind: kind, runID: runID, conversationID: run.conversationID, data: data))
            }
            if step == 0 {
                if let heard = state.transcript {
                    await emit(
                        .transcript,
                        ["text": .string(heard.text), "duration_seconds": .number(heard.durationSeconds), "transcript_id": .string(heard.id)]
                    )
                }
                await emit(.runStarted, ["text": .string(state.text)])
            }
            while true {
                step += 1
                let context = NodeContext(
                    runID: runID,
                    conversationID: run.conversationID,
                    step: step,
                    owner: owner,
                    clients: clients,
                    settings: settings,
                    events: events,
                    store: store
                )
                await emit(.nodeStarted, ["node": .string(node.rawValue), "step": .number(Double(step))])
                let started = ContinuousClock.now
                let outcome = try await graph.node(node).run(&state, context)
                let duration = ContinuousClock.now - started
                metrics.recordNode(node, duration: duration)
                var finished: [String: AnyJSON] = [
                    "node": .string(node.rawValue), "step": .number(Double(step)), "duration_ms": .number((duration.seconds * 1000).rounded()),
                ]
                if let reason = outcome.degraded {
                    finished["degraded"] = .bool(true)
                    finished["reason"] = .string(reason)
                }
                let (status, next): (RunStatus, NodeName?) =
                    switch outcome.transition {
                    case .next(let following): (.running, following)
                    case .suspend: (.awaitingApproval, node)
                    case .finish: (.completed, nil)
                    }
                try await store.checkpoint(
                    runID,
                    owner: owner,
                    lease: settings.runLease,
                    .init(step: step, node: node, next: next, state: state, status: status, duration: duration, degraded: outcome.degraded)
                )
                await emit(.nodeFinished, finished)
                switch outcome.transition {
                case .next(let following):
                    node = following
                case .suspend:
                    metrics.recordRun(.awaitingApproval)
                    return
                case .finish:
                    metrics.recordRun(.completed)
                    await emit(.runCompleted, ["status": .string(RunStatus.completed.rawValue), "degraded": .bool(!state.degraded.isEmpty)])
                    return
                }
            }
        } catch is RunNotOwned {
            logger.info("run is no longer driven here", metadata: ["run_id": "\(runID.lowercased)"])
        } catch is CancellationError {
            // The lease was lost mid-node; whoever holds the run now carries it on.
        } catch {
            logger.error("run failed", metadata: ["run_id": "\(runID.lowercased)", "error": "\(String(reflecting: error))"])
            await fail(runID, error: "\(error)")
        }
    }

    private func fail(_ runID: UUID, error: String) async {
        do {
            guard let run = try await store.load(runID), try await store.fail(runID, owner: owner, error: error) else { return }
            metrics.recordRun(.failed)
            await events.append(
                RunEvent(
                    kind: .runFailed,
                    runID: runID,
                    conversationID: run.conversationID,
                    data: ["status": .string(RunStatus.failed.rawValue), "error": .string(error)]
                )
            )
        } catch {
            // The lease lapses and another replica resumes the run from its last checkpoint.
            logger.warning("run failure not recorded", metadata: ["run_id": "\(runID.lowercased)", "error": "\(error)"])
        }
    }
}
