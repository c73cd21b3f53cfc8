import ServiceKit

/// The last node of every path: streams the reply as `token` events (unless the model's
/// text streamed already), stores it in the conversation (once per run), adds it to the
/// cached recent turns and announces it as the `message` event.
struct RespondNode: GraphNode {
    let name = NodeName.respond
    let conversations: ConversationStore
    let turns: RecentTurns

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        let reply = state.reply ?? ReplyTemplates.reply(for: nil)
        state.reply = reply
        if state.plan?.streamed != true {
            for piece in ReplyTemplates.tokens(reply) {
                await context.emit(.token, ["text": .string(piece)])
            }
        }
        let (messageID, turn) = try await conversations.answer(context.conversationID, runID: context.runID, text: reply, citations: state.citations)
        if let turn { await turns.changed(context.conversationID, added: turn) }
        await context.emit(
            .message,
            [
                "message_id": .string(messageID.lowercased), "role": .string("assistant"), "text": .string(reply),
                "citations": .encoding(state.citations), "degraded": .bool(!state.degraded.isEmpty),
            ]
        )
        return NodeOutcome(transition: .finish, degraded: nil)
    }
}
