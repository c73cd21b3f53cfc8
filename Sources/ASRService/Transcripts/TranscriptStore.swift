import Foundation
import PostgresNIO
import ServiceKit
import SpeechRecognition

/// The `asr.transcripts` table.
struct TranscriptStore: Sendable {
    let database: Database

    /// Stores a transcript; for an item that already has one (a job run twice), that one is
    /// kept and returned.
    func insert(_ outcome: SpeechToText.Outcome, itemID: UUID? = nil) async throws -> TranscriptView {
        let result = outcome.result
        let transcript = result.transcript
        let segments = String(decoding: try JSONEncoder().encode(TranscriptView.segments(of: transcript)), as: UTF8.self)
        let words = try TranscriptView.words(of: transcript).map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let id = UUID()
        let rows = try await database.query(
            """
            WITH inserted AS (
                INSERT INTO asr.transcripts (id, item_id, text, language, duration_seconds, segments, words, engine, model, degraded, processing_seconds, audio_format)
                VALUES (\(id), \(itemID), \(transcript.text), \(transcript.language), \(transcript.durationSeconds), \(segments)::jsonb, \(words)::jsonb,
                        \(outcome.engine), \(outcome.model), \(outcome.degraded), \(result.processingSeconds), \(result.audio.format))
                ON CONFLICT (item_id) DO NOTHING
                RETURNING \(unescaped: TranscriptView.columns)
            )
            SELECT \(unescaped: TranscriptView.columns) FROM inserted
            UNION ALL
            SELECT \(unescaped: TranscriptView.columns) FROM asr.transcripts WHERE item_id = \(itemID) AND NOT EXISTS (SELECT 1 FROM inserted)
            """
        )
        guard let row = rows.first else { throw TranscriptStoreError(description: "the insert of transcript \(id) returned no row") }
        return try TranscriptView(row: row)
    }

    /// The transcript a job already made for `itemID`, if any.
    func transcript(itemID: UUID) async throws -> TranscriptView? {
        try await database.query("SELECT \(unescaped: TranscriptView.columns) FROM asr.transcripts WHERE item_id = \(itemID)").first.map(
            TranscriptView.init(row:)
        )
    }

    func transcript(_ id: UUID) async throws -> TranscriptView? {
        try await database.query("SELECT \(unescaped: TranscriptView.columns) FROM asr.transcripts WHERE id = \(id)").first.map(
            TranscriptView.init(row:)
        )
    }

    /// Newest first, `limit` at a time, after the transcript whose `seq` is `before`.
    func transcripts(limit: Int, before: Int64?) async throws -> [TranscriptView] {
        try await database.query(
            """
            SELECT \(unescaped: TranscriptView.columns) FROM asr.transcripts
            WHERE \(before)::bigint IS NULL OR seq < \(before)
            ORDER BY seq DESC LIMIT \(limit)
            """
        ).map(TranscriptView.init(row:))
    }
}

/// A statement that should have returned a row and did not.
struct TranscriptStoreError: Error, CustomStringConvertible {
    let description: String
}
