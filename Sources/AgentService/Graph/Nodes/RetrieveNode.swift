import ServiceKit

/// Searches rag for passages about the question and reports them as citations; without rag
/// the step degrades and the run replies that it could not search.
struct RetrieveNode: GraphNode {
    let name = NodeName.retrieve
    /// How much of a passage a retrieval citation quotes.
    static let quoteLength = 300

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        let hits: [RAGClient.Hit]
        do {
            hits = try await context.clients.rag.search(state.text)
        } catch let error as ProviderCallError {
            let reason = "rag search: \(error)"
            state.degraded.append(reason)
            state.reply = ReplyTemplates.searchUnavailable(error.description)
            return .degraded(reason, next: .respond)
        }
        state.citations = hits.map {
            Citation(
                documentID: $0.documentID,
                itemID: $0.itemID,
                title: $0.title,
                page: $0.page,
                chunkID: $0.chunkID,
                quote: String($0.text.prefix(Self.quoteLength))
            )
        }
        await context.emit(.retrieval, ["citations": .encoding(state.citations)])
        return .next(.answer)
    }
}
