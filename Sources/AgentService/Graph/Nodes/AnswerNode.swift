import ServiceKit

/// Asks rag for a cited answer to the question. When rag fails here the step degrades and
/// the reply names the documents retrieval found.
struct AnswerNode: GraphNode {
    let name = NodeName.answer

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        do {
            let answer = try await context.clients.rag.answer(state.text)
            state.reply = answer.answer
            state.citations = answer.found ? answer.citations : []
            return answer.degraded ? .degraded("rag answered extractively: its model failed", next: .respond) : .next(.respond)
        } catch let error as ProviderCallError {
            let reason = "rag answer: \(error)"
            state.degraded.append(reason)
            var titles: [String] = []
            for citation in state.citations where !titles.contains(citation.title) { titles.append(citation.title) }
            state.reply = ReplyTemplates.answerUnavailable(error.description, titles: titles)
            return .degraded(reason, next: .respond)
        }
    }
}
