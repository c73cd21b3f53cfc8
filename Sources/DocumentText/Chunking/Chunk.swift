/// A passage of a document small enough to embed, and where it came from, so an answer can
/// cite it.
public struct Chunk: Sendable, Equatable {
    /// The chunk's position in its document, from 0.
    public let ordinal: Int
    public let text: String
    /// The 1-based PDF page; nil for formats without pages.
    public let page: Int?
    /// Unicode scalar offsets into the text of the chunk's unit (its page for a PDF, the
    /// whole extracted document otherwise): `text` is exactly that unit's `start..<end`.
    public let start: Int
    public let end: Int
    /// The heading of the section the chunk sits in, if any.
    public let heading: String?
    /// The chunk's length as the token counter measured it.
    public let tokenCount: Int

    public init(ordinal: Int, text: String, page: Int?, start: Int, end: Int, heading: String?, tokenCount: Int) {
        self.ordinal = ordinal
        self.text = text
        self.page = page
        self.start = start
        self.end = end
        self.heading = heading
        self.tokenCount = tokenCount
    }
}
