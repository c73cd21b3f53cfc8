import Foundation
import ServiceKit

/// What a node can reach while it runs: the clients of the other services, the run's
/// identity and step (side effects key on them), and its event log.
struct NodeContext: Sendable {
    let runID: UUID
    let conversationID: UUID
    /// The number of the checkpoint this step writes: the same when a replica resumes it.
    let step: Int
    /// The replica driving the run (its lease owner).
    let owner: String
    let clients: AgentClients
    let settings: AgentSettings
    let events: RunEventLog
    let store: RunStore

    func emit(_ type: RunEvent.Kind, _ data: [String: AnyJSON] = [:]) async {
        await events.append(RunEvent(kind: type, runID: runID, conversationID: conversationID, data: data))
    }

    /// Throws ``RunNotOwned`` when the run was cancelled (or taken over) meanwhile, so a side
    /// effect is not started for a run nobody drives any more.
    func ensureStillRunning() async throws {
        guard try await store.isRunning(runID, owner: owner) else { throw RunNotOwned() }
    }
}
