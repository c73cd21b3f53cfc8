import ServiceKit

/// The `rag` schema: collections, the documents indexed into them (one per ingestion item)
/// and their chunks, each with its embedding and its full-text vector.
enum RAGSchema {
    /// The embedding width of the column; a model of another dimension needs a new migration.
    static let dimension = 384

    static let migrations = [
        Migration(
            version: 1,
            name: "collections, documents and chunks with vector and full-text indexes",
            statements: [
                "CREATE EXTENSION IF NOT EXISTS vector",
                """
                CREATE TABLE rag.collections (
                    name text PRIMARY KEY,
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE rag.documents (
                    id uuid PRIMARY KEY,
                    -- The order documents were first indexed in: what list pages follow.
                    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                    item_id uuid NOT NULL UNIQUE,
                    collection text NOT NULL REFERENCES rag.collections (name),
                    title text NOT NULL,
                    content_type text NOT NULL,
                    metadata jsonb NOT NULL DEFAULT '{}',
                    content_sha256 bytea NOT NULL,
                    pages integer,
                    chunk_count integer NOT NULL,
                    embedder text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX documents_by_collection ON rag.documents (collection, seq)",
                // Identical content in a collection is embedded once: a new item finds its twin here.
                "CREATE INDEX documents_by_content ON rag.documents (collection, content_sha256)",
                """
                CREATE TABLE rag.chunks (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    document_id uuid NOT NULL REFERENCES rag.documents (id) ON DELETE CASCADE,
                    ordinal integer NOT NULL,
                    text text NOT NULL,
                    page integer,
                    start_offset integer NOT NULL,
                    end_offset integer NOT NULL,
                    heading text,
                    token_count integer NOT NULL,
                    embedding vector(384) NOT NULL,
                    search_text tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(heading, '') || ' ' || text)) STORED,
                    UNIQUE (document_id, ordinal)
                )
                """,
                // m and ef_construction: pgvector's defaults, which keep recall@10 near 0.99 at 100k rows.
                "CREATE INDEX chunks_by_embedding ON rag.chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)",
                "CREATE INDEX chunks_by_search_text ON rag.chunks USING gin (search_text)",
            ]
        )
    ]
}
