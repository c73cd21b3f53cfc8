/// How much of a document rag reads before refusing it (`RAG_MAX_PAGES`, `RAG_MAX_CHARS`).
public struct ExtractionLimits: Sendable, Equatable {
    public var maxPages: Int
    /// Unicode scalars of extracted text, over all pages.
    public var maxCharacters: Int

    public init(maxPages: Int = 1000, maxCharacters: Int = 5_000_000) {
        self.maxPages = maxPages
        self.maxCharacters = maxCharacters
    }
}
