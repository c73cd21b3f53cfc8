import ServiceKit

/// The `ingestion` schema: what arrived (items, events) and the jobs made from it.
enum IngestionSchema {
    static let migrations = [
        Migration(
            version: 1,
            name: "items, jobs and events",
            statements: [
                """
                CREATE TABLE ingestion.items (
                    id uuid PRIMARY KEY,
                    kind text NOT NULL CHECK (kind IN ('document', 'audio')),
                    title text,
                    collection text,
                    content_type text NOT NULL,
                    size_bytes integer NOT NULL,
                    content bytea NOT NULL,
                    metadata jsonb NOT NULL DEFAULT '{}',
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE ingestion.jobs (
                    id uuid PRIMARY KEY,
                    kind text NOT NULL,
                    stream text NOT NULL,
                    item_id uuid NOT NULL REFERENCES ingestion.items (id),
                    status text NOT NULL DEFAULT 'queued',
                    attempts integer NOT NULL DEFAULT 0,
                    error text,
                    result jsonb,
                    enqueued_at timestamptz,
                    last_event_ms bigint NOT NULL DEFAULT 0,
                    last_event_seq bigint NOT NULL DEFAULT 0,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX jobs_awaiting_enqueue ON ingestion.jobs (created_at) WHERE enqueued_at IS NULL",
                """
                CREATE TABLE ingestion.events (
                    id uuid PRIMARY KEY,
                    type text NOT NULL,
                    source text NOT NULL,
                    occurred_at timestamptz NOT NULL,
                    payload jsonb NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX events_by_time ON ingestion.events (occurred_at, id)",
                "CREATE INDEX events_by_type_and_time ON ingestion.events (type, occurred_at, id)",
            ]
        ),
        Migration(
            version: 2,
            name: "open jobs by stream and status",
            statements: [
                // Done jobs only accumulate; the ingestion_jobs gauge counts the rest on every sample.
                "CREATE INDEX jobs_open_by_stream ON ingestion.jobs (stream, status) WHERE status <> 'done'"
            ]
        ),
    ]
}
