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
            "query": .length(1...maxQueryCharacters), "collection": collectionRule, "filter": filterRule,
            "top_k": topKRule.describing("How many chunks; \(defaultTopK) when absent."), "mode": .describing("hybrid when absent."),
        ]
    }

    /// The search to run, once every field is known to be usable.
    func validated() throws(ValidationError) -> ChunkQuery {
        var problems: [FieldError] = []
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { problems.append(FieldError(field: "query", message: "must not be empty")) }
        if text.unicodeScalars.count > Self.maxQueryCharacters {
            problems.append(FieldError(field: "query", message: "must be at most \(Self.maxQueryCharacters) characters"))
        }
        let topK = topK ?? Self.defaultTopK
        if !(1...Self.maxTopK).contains(topK) { problems.append(FieldError(field: "top_k", message: "must be between 1 and \(Self.maxTopK)")) }
        if let filter, !filter.isObject { problems.append(FieldError(field: "filter", message: "must be an object")) }
        if let collection, collection.isEmpty { problems.append(FieldError(field: "collection", message: "must not be empty")) }
        guard problems.isEmpty else { throw ValidationError(fields: problems, detail: "The search is not valid.") }
        return ChunkQuery(text: text, collection: collection, filter: filter, topK: topK, mode: mode ?? .hybrid)
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
