import ServiceKit

/// Searches rag for passages about the question (in llm mode, the model's query) and reports
/// them as citations. In rule mode `answer` answers from them; in llm mode they go back to the
/// model as numbered passages. Without rag the step degrades and the run replies (or tells the
/// model) that it could not search.
struct RetrieveNode: GraphNode {
    let name = NodeName.retrieve
    /// How much of a passage a retrieval citation quotes.
    static let quoteLength = 300

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        let planned = state.plan != nil
        var query = state.text
        if case .searchDocuments(let asked)? = state.plan?.pending?.tool { query = asked }
        let hits: [RAGClient.Hit]
        do {
            hits = try await context.clients.rag.search(query)
        } catch let error as ProviderCallError {
            let reason = "rag search: \(error)"
            state.degraded.append(reason)
            state.reply = ReplyTemplates.searchUnavailable(error.description)
            state.plan?.answer(ReplyTemplates.searchUnavailable(error.description))
            return .degraded(reason, next: planned ? .plan : .respond)
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
        guard planned else { return .next(.answer) }
        let passages = hits.enumerated().map { index, hit in "[\(index + 1)] \(hit.title)\(hit.page.map { ", page \($0)" } ?? ""):\n\(hit.text)" }
        state.plan?.answer(passages.isEmpty ? "No passages were found." : passages.joined(separator: "\n\n"))
        return .next(.plan)
    }
}
