import Foundation
import ServiceKit

/// Carries out the approved action as an integrations delivery and follows it until it is
/// delivered or given up on (or `AGENT_ACTION_WAIT_SECONDS` pass). The delivery is created
/// with an `Idempotency-Key` of run and step, so a replica resuming this step after its
/// predecessor died mid-way gets the same delivery back instead of sending a second one.
struct ActNode: GraphNode {
    let name = NodeName.act
    static let followInterval: Duration = .milliseconds(250)

    static func idempotencyKey(runID: UUID, step: Int) -> String {
        "agent-run-\(runID.lowercased)-step-\(step)"
    }

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        guard let action = state.action else { return .next(.respond) }
        try await context.ensureStillRunning()
        let integrations = context.clients.integrations
        var outcome = NodeOutcome.next(.respond)
        var result: ActionResult
        do {
            var delivery = try await integrations.deliver(action, idempotencyKey: Self.idempotencyKey(runID: context.runID, step: context.step))
            let deadline = ContinuousClock.now + context.settings.actionWait
            do {
                while !delivery.isSettled, ContinuousClock.now < deadline {
                    try await Task.sleep(for: Self.followInterval)
                    delivery = try await integrations.delivery(delivery.id)
                }
            } catch let error as ProviderCallError {
                outcome = .degraded("integrations: the delivery could not be followed: \(error)", next: .respond)
            }
            result = ActionResult(deliveryID: delivery.id, status: delivery.status, error: delivery.lastError)
            state.reply = ReplyTemplates.acted(action, result)
        } catch let error as ProviderCallError {
            let reason = "integrations: \(error)"
            outcome = .degraded(reason, next: .respond)
            result = ActionResult(deliveryID: nil, status: "failed", error: error.description)
            state.reply = ReplyTemplates.actionUnavailable(action, error.description)
        }
        if let reason = outcome.degraded { state.degraded.append(reason) }
        state.actionResult = result
        await context.emit(.toolResult, ["tool": .string(action.tool), "provider": .string(action.provider), "result": .encoding(result)])
        return outcome
    }
}
