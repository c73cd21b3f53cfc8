import Foundation
import ServiceKit

/// One ranked chunk of `POST /v1/search`, with the document it came from.
struct SearchHit: Encodable, Sendable {
    let chunkID: Int64
    /// The mode's own score: the fused score (hybrid), cosine similarity (vector) or full-text rank (keyword).
    let score: Double
    /// Cosine similarity of the chunk to the query; nil in keyword mode, which embeds nothing.
    let similarity: Double?
    /// The chunk's place in each ranking that found it (1 is best), nil where it was not found.
    let vectorRank: Int?
    let keywordRank: Int?
    let documentID: UUID
    let itemID: UUID
    let title: String
    let metadata: AnyJSON
    let text: String
    let page: Int?
    let start: Int
    let end: Int
    let heading: String?

    enum CodingKeys: String, CodingKey {
        case score, similarity, title, metadata, text, page, start, end, heading
        case chunkID = "chunk_id"
        case vectorRank = "vector_rank"
        case keywordRank = "keyword_rank"
        case documentID = "document_id"
        case itemID = "item_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(chunkID, forKey: .chunkID)
        try container.encode(score, forKey: .score)
        try container.encode(similarity, forKey: .similarity)
        try container.encode(vectorRank, forKey: .vectorRank)
        try container.encode(keywordRank, forKey: .keywordRank)
        try container.encode(documentID.lowercased, forKey: .documentID)
        try container.encode(itemID.lowercased, forKey: .itemID)
        try container.encode(title, forKey: .title)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(text, forKey: .text)
        try container.encode(page, forKey: .page)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        try container.encode(heading, forKey: .heading)
    }
}
