import Foundation
import PostgresNIO
import ServiceKit

/// Ranks chunks for a query in one SQL statement: the nearest embeddings (HNSW, cosine),
/// the best full-text matches (GIN, any of the query's words), or both fused by weighted
/// reciprocal rank fusion, `Σ weight / (60 + rank)`.
struct ChunkSearch: Sendable {
    let database: Database
    /// HNSW candidates per vector search (`RAG_EF_SEARCH`).
    let efSearch: Int
    /// The vector ranking's weight in the fusion; the keyword ranking gets `1 - vectorWeight`.
    let vectorWeight: Double

    /// The rank constant of reciprocal rank fusion (Cormack et al., 2009).
    static let fusionK = 60

    /// Each ranking's candidates before fusion: more than `top_k`, so a chunk ranked low by
    /// one ranking and high by the other can still win.
    static func candidates(topK: Int) -> Int { max(50, 4 * topK) }

    /// `vector` is the query's embedding; keyword search needs none.
    func search(_ query: ChunkQuery, vector: [Float]?) async throws -> [SearchHit] {
        let candidates = Self.candidates(topK: query.topK)
        let vectorCandidates = query.mode == .keyword ? 0 : candidates
        let keywordCandidates = query.mode == .vector ? 0 : candidates
        let (vectorWeight, keywordWeight): (Double, Double) =
            switch query.mode {
            case .hybrid: (self.vectorWeight, 1 - self.vectorWeight)
            case .vector: (1, 0)
            case .keyword: (0, 1)
            }
        let embedding = vector.map(VectorText.literal)
        let filter = try query.filter.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) } ?? "{}"
        let collection = query.collection
        let sql: PostgresQuery = """
            WITH keyword_query AS (
                SELECT to_tsquery('simple', (SELECT string_agg(quote_literal(lexeme), ' | ') FROM unnest(to_tsvector('english', \(query.text))))) AS terms
            ),
            vector_hits AS (
                SELECT c.id, c.embedding <=> \(embedding)::vector AS distance
                FROM rag.chunks c JOIN rag.documents d ON d.id = c.document_id
                WHERE (\(collection)::text IS NULL OR d.collection = \(collection)) AND d.metadata @> \(filter)::jsonb
                ORDER BY c.embedding <=> \(embedding)::vector
                LIMIT \(vectorCandidates)
            ),
            keyword_hits AS (
                SELECT c.id, ts_rank_cd(c.search_text, k.terms) AS keyword_score
                FROM rag.chunks c JOIN rag.documents d ON d.id = c.document_id CROSS JOIN keyword_query k
                WHERE c.search_text @@ k.terms
                  AND (\(collection)::text IS NULL OR d.collection = \(collection)) AND d.metadata @> \(filter)::jsonb
                ORDER BY keyword_score DESC, c.id
                LIMIT \(keywordCandidates)
            ),
            ranked AS (
                SELECT id, row_number() OVER (ORDER BY distance, id) AS vector_rank, NULL::bigint AS keyword_rank, NULL::real AS keyword_score FROM vector_hits
                UNION ALL
                SELECT id, NULL, row_number() OVER (ORDER BY keyword_score DESC, id), keyword_score FROM keyword_hits
            ),
            fused AS (
                SELECT id, min(vector_rank) AS vector_rank, min(keyword_rank) AS keyword_rank, max(keyword_score) AS keyword_score,
                       sum(COALESCE(\(vectorWeight)::float8 / (\(Self.fusionK) + vector_rank), 0) + COALESCE(\(keywordWeight)::float8 / (\(Self.fusionK) + keyword_rank), 0)) AS fused_score
                FROM ranked GROUP BY id
                ORDER BY fused_score DESC, id
                LIMIT \(query.topK)
            )
            SELECT f.fused_score, f.vector_rank, f.keyword_rank, f.keyword_score::float8, 1 - (c.embedding <=> \(embedding)::vector),
                   c.id, c.document_id, d.item_id, d.title, d.metadata::text, c.text, c.page, c.start_offset, c.end_offset, c.heading
            FROM fused f JOIN rag.chunks c ON c.id = f.id JOIN rag.documents d ON d.id = c.document_id
            ORDER BY f.fused_score DESC, c.id
            """
        let efSearch = String(self.efSearch)
        let rows = try await database.transaction { connection in
            // Both settings last until the transaction ends; iterative scans keep a filtered
            // vector search from coming back short (pgvector 0.8 and later).
            try await connection.query(
                "SELECT set_config('hnsw.ef_search', \(efSearch), true), set_config('hnsw.iterative_scan', 'relaxed_order', true)",
                logger: database.logger
            )
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(sql, logger: database.logger) { rows.append(row) }
            return rows
        }
        return try rows.map { row in
            let (
                fused, vectorRank, keywordRank, keywordScore, similarity, chunkID, documentID, itemID, title, metadata, text, page, start, end,
                heading
            ) =
                try row.decode((Double, Int?, Int?, Double?, Double?, Int64, UUID, UUID, String, String, String, Int?, Int, Int, String?).self)
            let score: Double =
                switch query.mode {
                case .hybrid: fused
                case .vector: similarity ?? 0
                case .keyword: keywordScore ?? 0
                }
            return SearchHit(
                chunkID: chunkID,
                score: score,
                similarity: similarity,
                vectorRank: vectorRank,
                keywordRank: keywordRank,
                documentID: documentID.lowercased,
                itemID: itemID.lowercased,
                title: title,
                metadata: (try? JSONDecoder().decode(AnyJSON.self, from: Data(metadata.utf8))) ?? .object([:]),
                text: text,
                page: page,
                start: start,
                end: end,
                heading: heading
            )
        }
    }
}
