import DocumentText
import Foundation
import PostgresNIO
import ServiceKit

/// rag's documents and chunks in PostgreSQL: writes a document's chunks whole (or not at
/// all), and reads, lists and deletes documents.
struct DocumentStore: Sendable {
    let database: Database

    /// A document as the index worker writes it.
    struct NewDocument: Sendable {
        let itemID: UUID
        let collection: String
        let title: String
        let contentType: String
        let metadataJSON: String
        let contentSHA256: [UInt8]
        let pages: Int?
        let embedder: String
    }

    /// What an index job reports as its result.
    struct Indexed: Sendable, Encodable {
        let documentID: String
        let chunks: Int
        let pages: Int?
        /// The chunks were copied from a document with the same content, not embedded again.
        let reused: Bool

        enum CodingKeys: String, CodingKey {
            case chunks, pages, reused
            case documentID = "document_id"
        }
    }

    /// Rows per INSERT: an embedding is about 4 kB of text, so a batch stays near 2 MB.
    static let insertBatch = 500

    /// The item's document when it already holds this content: re-running its job changes nothing.
    func unchanged(itemID: UUID, contentSHA256: [UInt8]) async throws -> Indexed? {
        let rows = try await database.query(
            "SELECT id, chunk_count, pages FROM rag.documents WHERE item_id = \(itemID) AND content_sha256 = \(ByteBuffer(bytes: contentSHA256))"
        )
        return try rows.first.map { row in
            let (id, chunks, pages) = try row.decode((UUID, Int, Int?).self)
            return Indexed(documentID: id.lowercased, chunks: chunks, pages: pages, reused: false)
        }
    }

    /// Another document of the collection with the same content, embedded by the same model.
    func twin(of document: NewDocument) async throws -> UUID? {
        let rows = try await database.query(
            """
            SELECT id FROM rag.documents
            WHERE collection = \(document.collection) AND content_sha256 = \(ByteBuffer(bytes: document.contentSHA256))
              AND embedder = \(document.embedder) AND item_id <> \(document.itemID)
            ORDER BY seq LIMIT 1
            """
        )
        return try rows.first?.decode(UUID.self)
    }

    /// Stores the document with `chunks` (and their `embeddings`) in one transaction,
    /// replacing whatever the same item had: a reader sees the old chunks or the new, never a mix.
    func replace(_ document: NewDocument, chunks: [Chunk], embeddings: [[Float]]) async throws -> Indexed {
        precondition(chunks.count == embeddings.count)
        let id = try await database.transaction { connection in
            let id = try await upsert(document, chunkCount: chunks.count, on: connection)
            try await connection.query("DELETE FROM rag.chunks WHERE document_id = \(id)", logger: database.logger)
            for start in stride(from: 0, to: chunks.count, by: Self.insertBatch) {
                let range = start..<min(start + Self.insertBatch, chunks.count)
                try await insert(chunks[range], embeddings: embeddings[range], documentID: id, on: connection)
            }
            return id
        }
        return Indexed(documentID: id.lowercased, chunks: chunks.count, pages: document.pages, reused: false)
    }

    /// Stores the document with a copy of `twin`'s chunks and embeddings, in one transaction.
    func replace(_ document: NewDocument, copyingChunksOf twin: UUID) async throws -> Indexed {
        let (id, count) = try await database.transaction { connection in
            let countRows = try await connection.query("SELECT chunk_count FROM rag.documents WHERE id = \(twin) FOR SHARE", logger: database.logger)
            var count = 0
            for try await row in countRows { count = try row.decode(Int.self) }
            let id = try await upsert(document, chunkCount: count, on: connection)
            try await connection.query("DELETE FROM rag.chunks WHERE document_id = \(id)", logger: database.logger)
            try await connection.query(
                """
                INSERT INTO rag.chunks (document_id, ordinal, text, page, start_offset, end_offset, heading, token_count, embedding)
                SELECT \(id), ordinal, text, page, start_offset, end_offset, heading, token_count, embedding
                FROM rag.chunks WHERE document_id = \(twin)
                """,
                logger: database.logger
            )
            return (id, count)
        }
        return Indexed(documentID: id.lowercased, chunks: count, pages: document.pages, reused: true)
    }

    private func upsert(_ document: NewDocument, chunkCount: Int, on connection: PostgresConnection) async throws -> UUID {
        try await connection.query(
            "INSERT INTO rag.collections (name) VALUES (\(document.collection)) ON CONFLICT DO NOTHING",
            logger: database.logger
        )
        let rows = try await connection.query(
            """
            INSERT INTO rag.documents (id, item_id, collection, title, content_type, metadata, content_sha256, pages, chunk_count, embedder)
            VALUES (\(UUID()), \(document.itemID), \(document.collection), \(document.title), \(document.contentType), \(document.metadataJSON)::jsonb,
                    \(ByteBuffer(bytes: document.contentSHA256)), \(document.pages), \(chunkCount), \(document.embedder))
            ON CONFLICT (item_id) DO UPDATE SET
                collection = EXCLUDED.collection, title = EXCLUDED.title, content_type = EXCLUDED.content_type,
                metadata = EXCLUDED.metadata, content_sha256 = EXCLUDED.content_sha256, pages = EXCLUDED.pages,
                chunk_count = EXCLUDED.chunk_count, embedder = EXCLUDED.embedder, updated_at = now()
            RETURNING id
            """,
            logger: database.logger
        )
        for try await row in rows { return try row.decode(UUID.self) }
        throw PostgresStoreError("INSERT … RETURNING id returned no row")
    }

    private func insert(
        _ chunks: ArraySlice<Chunk>,
        embeddings: ArraySlice<[Float]>,
        documentID: UUID,
        on connection: PostgresConnection
    ) async throws {
        let ordinals = chunks.map(\.ordinal)
        let texts = chunks.map(\.text)
        // Arrays cannot hold NULL through these bindings: 0 is "no page" and "" is "no heading".
        let pages = chunks.map { $0.page ?? 0 }
        let headings = chunks.map { $0.heading ?? "" }
        let starts = chunks.map(\.start)
        let ends = chunks.map(\.end)
        let tokens = chunks.map(\.tokenCount)
        let vectors = embeddings.map(VectorText.literal)
        try await connection.query(
            """
            INSERT INTO rag.chunks (document_id, ordinal, text, page, start_offset, end_offset, heading, token_count, embedding)
            SELECT \(documentID), c.ordinal, c.text, NULLIF(c.page, 0), c.start_offset, c.end_offset, NULLIF(c.heading, ''), c.token_count, c.embedding::vector
            FROM unnest(\(ordinals)::int[], \(texts)::text[], \(pages)::int[], \(starts)::int[], \(ends)::int[], \(headings)::text[], \(tokens)::int[], \(vectors)::text[])
                AS c(ordinal, text, page, start_offset, end_offset, heading, token_count, embedding)
            """,
            logger: database.logger
        )
    }

    // MARK: reads

    func document(_ id: UUID) async throws -> DocumentView? {
        try await database.query("SELECT \(unescaped: DocumentView.columns) FROM rag.documents WHERE id = \(id)").first.map(DocumentView.init(row:))
    }

    /// Newest first, `limit` at a time, after the document whose `seq` is `before`.
    func documents(collection: String?, limit: Int, before: Int64?) async throws -> [DocumentView] {
        try await database.query(
            """
            SELECT \(unescaped: DocumentView.columns) FROM rag.documents
            WHERE (\(collection)::text IS NULL OR collection = \(collection)) AND (\(before)::bigint IS NULL OR seq < \(before))
            ORDER BY seq DESC LIMIT \(limit)
            """
        ).map(DocumentView.init(row:))
    }

    /// Deletes the document and (by cascade) its chunks; false if there was none.
    func delete(_ id: UUID) async throws -> Bool {
        !(try await database.query("DELETE FROM rag.documents WHERE id = \(id) RETURNING id").isEmpty)
    }

    func collections() async throws -> [CollectionView] {
        try await database.query(
            """
            SELECT c.name, count(d.id), COALESCE(sum(d.chunk_count), 0), c.created_at
            FROM rag.collections c LEFT JOIN rag.documents d ON d.collection = c.name
            GROUP BY c.name, c.created_at ORDER BY c.name
            """
        ).map { row in
            let (name, documents, chunks, created) = try row.decode((String, Int, Int, Date).self)
            return CollectionView(name: name, documents: documents, chunks: chunks, createdAt: created)
        }
    }
}

/// A query that should have answered and did not.
struct PostgresStoreError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
