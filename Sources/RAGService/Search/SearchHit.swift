import Foundation
import ServiceKit

/// One ranked chunk of `POST /v1/search`, with the document it came from.
struct SearchHit: APIModel {
    let chunkID: Int64
    /// The mode's own score: the fused score (hybrid), cosine similarity (vector) or full-text rank (keyword).
    let score: Double
    /// Cosine similarity of the chunk to the query; nil in keyword mode, which embeds nothing.
    let similarity: Double?
    /// The chunk's place in each ranking that found it (1 is best), nil where it was not found.
    let vectorRank: Int?
    let keywordRank: Int?
    /// Lower-case UUIDs, as the suite writes ids.
    let documentID: String
    let itemID: String
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

    static var fieldConstraints: [String: FieldConstraint] { ["document_id": .format("uuid"), "item_id": .format("uuid")] }
}
