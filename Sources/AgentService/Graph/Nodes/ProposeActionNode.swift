import Foundation
import ServiceKit

/// Turns an action intent into a concrete integrations delivery for a person to approve:
/// notify_team → Slack (the `#channel` the text, or the model, names, else
/// `AGENT_NOTIFY_CHANNEL`), page_oncall → PagerDuty, create_ticket → a webhook to
/// `AGENT_TICKET_WEBHOOK_URL`. The message is the turn's text, or in llm mode the model's.
struct ProposeActionNode: GraphNode {
    let name = NodeName.proposeAction

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        let tool = state.plan?.pending?.tool
        let message = tool?.message ?? state.text
        let action: ProposedAction
        switch state.intent {
        case "notify_team":
            var channel = Self.channel(in: state.text)
            if case .notifyTeam(_, let named?)? = tool { channel = named }
            action = ProposedAction(tool: "notify_team", provider: "slack", target: channel ?? context.settings.notifyChannel, message: message)
        case "page_oncall":
            action = ProposedAction(tool: "page_oncall", provider: "pagerduty", target: "assistant", message: message)
        default:
            guard let url = context.settings.ticketWebhookURL else {
                state.reply = ReplyTemplates.ticketsUnconfigured
                return .next(.respond)
            }
            action = ProposedAction(tool: "create_ticket", provider: "webhook", target: url, message: message)
        }
        state.action = action
        await context.emit(.toolProposed, ["action": .encoding(action)])
        return .next(.awaitApproval)
    }

    /// A Slack channel the text names, such as `#ops`.
    static func channel(in text: String) -> String? {
        text.range(of: #"#[a-z0-9][a-z0-9_-]{0,79}"#, options: .regularExpression).map { String(text[$0]) }
    }
}
