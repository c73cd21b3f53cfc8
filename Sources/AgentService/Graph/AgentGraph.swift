import ServiceKitHTTPClient

/// The agent's state graph. In rule mode a run starts at `understand`:
///
///     understand ─┬─ ask_question ──> retrieve ──> answer ──────────────┐
///                 ├─ job_status ────> job_status ───────────────────────┤
///                 ├─ notify_team, page_oncall, create_ticket            │
///                 │    └─> propose_action ──> await_approval ─> act ────┤
///                 └─ anything else ─> reply ────────────────────────────┴─> respond
///
/// In llm mode it starts at `plan`, where the model calls one of the same steps as a tool
/// (``AgentTool``): `retrieve` and `job_status` hand their result back to `plan`, an action
/// goes through `propose_action` and approval, and the model's text reply goes to `respond`.
/// A failing model sends the turn to `understand`, the rule graph.
///
/// Each node names its successor (the conditional edges); a step whose dependency is down
/// goes straight to `respond` with a reply that says what failed.
struct AgentGraph: Sendable {
    let nodes: [NodeName: any GraphNode]

    init(conversations: ConversationStore, turns: RecentTurns, model: OpenAIClient?) {
        let all: [any GraphNode] = [
            PlanNode(model: model, turns: turns), UnderstandNode(turns: turns), RetrieveNode(), AnswerNode(), JobStatusNode(),
            ProposeActionNode(), AwaitApprovalNode(), ActNode(), ReplyNode(), RespondNode(conversations: conversations, turns: turns),
        ]
        nodes = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }

    func node(_ name: NodeName) -> any GraphNode {
        guard let node = nodes[name] else { preconditionFailure("the graph has no node \(name.rawValue)") }
        return node
    }
}
