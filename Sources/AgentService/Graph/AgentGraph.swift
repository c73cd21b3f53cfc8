/// The agent's state graph in rule mode:
///
///     understand ─┬─ ask_question ──> retrieve ──> answer ──────────────┐
///                 ├─ job_status ────> job_status ───────────────────────┤
///                 ├─ notify_team, page_oncall, create_ticket            │
///                 │    └─> propose_action ──> await_approval ─> act ────┤
///                 └─ anything else ─> reply ────────────────────────────┴─> respond
///
/// Each node names its successor (the conditional edges); a step whose dependency is down
/// goes straight to `respond` with a reply that says what failed.
struct AgentGraph: Sendable {
    let nodes: [NodeName: any GraphNode]

    init(conversations: ConversationStore) {
        let all: [any GraphNode] = [
            UnderstandNode(), RetrieveNode(), AnswerNode(), JobStatusNode(), ProposeActionNode(),
            AwaitApprovalNode(), ActNode(), ReplyNode(), RespondNode(conversations: conversations),
        ]
        nodes = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }

    static let entry = NodeName.understand

    func node(_ name: NodeName) -> any GraphNode {
        guard let node = nodes[name] else { preconditionFailure("the graph has no node \(name.rawValue)") }
        return node
    }
}
