import Foundation
import ServiceKit

/// The body of `POST /v1/search`: `{query, collection?, filter?, top_k?, mode?}`.
struct SearchRequest: APIModel {
    /// How chunks are ranked.
    enum Mode: String, Codable, Sendable, SchemaEnumeration {
        /// Reciprocal rank fusion of the vector and keyword rankings.
        case hybrid
        /// Cosine similarity of the embeddings.
        case vector
        /// PostgreSQL full-text rank (any of the query's words).
        case keyword
    }

    let query: String
    let collection: String?
    /// Metadata the document must contain (JSON containment: equal values for the keys given).
    let filter: AnyJSON?
    let topK: Int?
    let mode: Mode?

    static let maxTopK = 50
    static let defaultTopK = 10
    static let maxQueryCharacters = 2000
    /// The rules of a collection's name, as ingestion takes it.
    static let collectionRule = FieldConstraint.length(1...200).describing("Only this collection's documents.")
    static let filterRule = FieldConstraint.kind(.object).describing("Metadata the document must contain: equal values for the keys given.")
    static let topKRule = FieldConstraint.range(1...Double(maxTopK))

    enum CodingKeys: String, CodingKey {
        case query, collection, filter, mode
        case topK = "top_k"
    }

    static var fieldConstraints: [String: FieldConstraint] {
        [
            "query": .length(1...maxQueryCharacters).nonBlank, "collection": collectionRule, "filter": filterRule,
            "top_k": topKRule.describing("How many chunks; \(defaultTopK) when absent."), "mode": .describing("hybrid when absent."),
        ]
    }

    /// The search to run. Its schema has checked the fields' types and ranges; what is left is a
    /// query of spaces only.
    func validated() throws(ValidationError) -> ChunkQuery {
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw ValidationError(fields: [FieldError(field: "query", message: "must not be empty")], detail: "The search is not valid.")
        }
        return ChunkQuery(text: text, collection: collection, filter: filter, topK: topK ?? Self.defaultTopK, mode: mode ?? .hybrid)
    }
}

/// A validated search: what ``ChunkSearch`` runs.
struct ChunkQuery: Sendable {
    let text: String
    let collection: String?
    let filter: AnyJSON?
    let topK: Int
    let mode: SearchRequest.Mode
}
