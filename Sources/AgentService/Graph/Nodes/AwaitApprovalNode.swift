import ServiceKit

/// Pauses the run until a person approves (`POST /v1/runs/{id}/approve`) or rejects the
/// proposed action; the decision is in the state when the run comes back here.
struct AwaitApprovalNode: GraphNode {
    let name = NodeName.awaitApproval

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        guard let action = state.action else { return .next(.respond) }
        switch state.approval {
        case nil:
            let run = "/v1/runs/\(context.runID.lowercased)"
            await context.emit(
                .approvalRequired,
                ["action": .encoding(action), "approve_url": .string(run + "/approve"), "reject_url": .string(run + "/reject")]
            )
            return NodeOutcome(transition: .suspend, degraded: nil)
        case .approved:
            return .next(.act)
        case .rejected:
            state.reply = ReplyTemplates.rejected(action)
            return .next(.respond)
        }
    }
}
