/// Who plans a turn: `rules` routes it by nlu's intent; `llm` lets an OpenAI-compatible model
/// choose among the same steps by function calling, falling back to the rules when it fails.
enum AgentMode: String, Sendable, CaseIterable {
    case rules, llm

    /// The node a turn's run starts at.
    var entry: NodeName {
        switch self {
        case .rules: .understand
        case .llm: .plan
        }
    }
}
