/// Replies from templates to conversational intents, and says what the agent can do when
/// a request is out of its scope.
struct ReplyNode: GraphNode {
    let name = NodeName.reply

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        state.reply = ReplyTemplates.reply(for: state.intent)
        return .next(.respond)
    }
}
