import ServiceKit

/// Asks nlu for the turn's intent and entities, then routes by intent (``IntentRoute``).
/// A job question that names no job is about the latest one the conversation's recent turns
/// name ("and how is it now?"). Without nlu the step degrades and the reply says so.
struct UnderstandNode: GraphNode {
    let name = NodeName.understand
    let turns: RecentTurns

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        let parse: NLUClient.Parse
        do {
            parse = try await context.clients.nlu.parse(state.text)
        } catch let error as ProviderCallError {
            let reason = "nlu: \(error)"
            state.degraded.append(reason)
            state.reply = ReplyTemplates.understandingUnavailable(error.description)
            return .degraded(reason, next: .respond)
        }
        state.intent = parse.intent.name
        state.confidence = parse.intent.confidence
        state.entities = parse.entities
        if parse.intent.name == "job_status" {
            state.jobID = JobStatusNode.jobID(in: state.text)
            if state.jobID == nil {
                state.jobID = try await turns.recent(context.conversationID).reversed().lazy.compactMap { JobStatusNode.jobID(in: $0.text) }.first
            }
        }
        await context.emit(
            .intent,
            ["intent": .string(parse.intent.name), "confidence": .number(parse.intent.confidence), "entities": .encoding(parse.entities)]
        )
        return .next(IntentRoute.node(for: parse.intent.name))
    }
}
