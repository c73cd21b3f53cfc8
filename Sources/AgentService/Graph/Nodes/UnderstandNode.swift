import ServiceKit

/// Asks nlu for the turn's intent and entities, then routes by intent (``IntentRoute``).
/// Without nlu the step degrades and the reply says so.
struct UnderstandNode: GraphNode {
    let name = NodeName.understand

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
        await context.emit(
            .intent,
            ["intent": .string(parse.intent.name), "confidence": .number(parse.intent.confidence), "entities": .encoding(parse.entities)]
        )
        return .next(IntentRoute.node(for: parse.intent.name))
    }
}
