import ServiceKit

/// The `asr` schema: one row per transcript, from an upload or from an ingestion item's job.
enum ASRSchema {
    static let migrations = [
        Migration(
            version: 1,
            name: "transcripts",
            statements: [
                """
                CREATE TABLE asr.transcripts (
                    id uuid PRIMARY KEY,
                    -- The order transcripts were made in: what list pages follow.
                    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                    -- The ingestion item a job transcribed; one transcript per item.
                    item_id uuid UNIQUE,
                    text text NOT NULL,
                    language text NOT NULL,
                    duration_seconds double precision NOT NULL,
                    segments jsonb NOT NULL,
                    words jsonb,
                    engine text NOT NULL,
                    model text NOT NULL,
                    processing_seconds double precision NOT NULL,
                    audio_format text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]
        ),
        Migration(
            version: 2,
            name: "transcripts made by the local engine standing in for a failing provider",
            statements: [
                "ALTER TABLE asr.transcripts ADD COLUMN degraded boolean NOT NULL DEFAULT false"
            ]
        ),
    ]
}
