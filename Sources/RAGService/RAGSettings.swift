import DocumentText
import Foundation
import ServiceKit

/// rag's own settings, read once at start-up; a bad value stops it, naming the variable.
struct RAGSettings: Sendable {
    /// Where documents are fetched from (`INGESTION_URL`).
    let ingestionURL: String
    let extractionLimits: ExtractionLimits
    let chunking: ChunkingPolicy
    /// The largest document fetched from ingestion (`RAG_MAX_DOCUMENT_BYTES`).
    let maxDocumentBytes: Int
    /// HNSW candidates per vector search (`RAG_EF_SEARCH`): more is better recall, slower.
    let efSearch: Int
    /// The share of the vector ranking in hybrid fusion (`RAG_HYBRID_VECTOR_WEIGHT`); the
    /// keyword ranking weighs `1 - vectorWeight`.
    let vectorWeight: Double
    /// Below this cosine similarity of the best chunk, an answer says none was found (`RAG_MIN_SCORE`).
    let minScore: Double

    init(config: Config) throws {
        ingestionURL = try config.string("INGESTION_URL", default: "http://127.0.0.1:8001").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard let url = URL(string: ingestionURL), ["http", "https"].contains(url.scheme), url.host != nil else {
            throw ConfigError(name: "INGESTION_URL", reason: "expected an http(s) URL")
        }
        extractionLimits = ExtractionLimits(
            maxPages: try config.int("RAG_MAX_PAGES", default: 1000, range: 1...100_000),
            maxCharacters: try config.int("RAG_MAX_CHARS", default: 5_000_000, range: 1...100_000_000)
        )
        do {
            chunking = try ChunkingPolicy(
                targetTokens: try config.int("RAG_CHUNK_TOKENS", default: 200),
                overlapTokens: try config.int("RAG_CHUNK_OVERLAP", default: 40)
            )
        } catch let error as ChunkingPolicyError {
            throw ConfigError(name: error.setting, reason: error.reason)
        }
        maxDocumentBytes = try config.int("RAG_MAX_DOCUMENT_BYTES", default: 64 << 20, range: 1...Int(Int32.max))
        efSearch = try config.int("RAG_EF_SEARCH", default: 100, range: 1...1000)
        vectorWeight = try config.double("RAG_HYBRID_VECTOR_WEIGHT", default: 0.5, range: 0...1)
        minScore = try config.double("RAG_MIN_SCORE", default: 0.3, range: -1...1)
    }
}
