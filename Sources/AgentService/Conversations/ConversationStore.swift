import Foundation
import PostgresNIO
import ServiceKit

/// Conversations and their messages in PostgreSQL.
struct ConversationStore: Sendable {
    let database: Database

    func create(title: String?, metadataJSON: String) async throws -> ConversationView {
        let rows = try await database.query(
            "INSERT INTO agent.conversations (id, title, metadata) VALUES (\(UUID()), \(title), \(metadataJSON)::jsonb) RETURNING \(unescaped: Self.columns)"
        )
        return try Self.conversation(rows[0])
    }

    func conversation(_ id: UUID) async throws -> ConversationView? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM agent.conversations WHERE id = \(id)").first.map(Self.conversation)
    }

    /// Newest first, before the conversation numbered `before`.
    func conversations(limit: Int, before: Int64?) async throws -> [ConversationView] {
        try await database.query(
            "SELECT \(unescaped: Self.columns) FROM agent.conversations WHERE (\(before)::bigint IS NULL OR seq < \(before)) ORDER BY seq DESC LIMIT \(limit)"
        ).map(Self.conversation)
    }

    /// Oldest first, after the message numbered `after`.
    func messages(_ conversationID: UUID, limit: Int, after: Int64?) async throws -> [MessageView] {
        try await database.query(
            """
            SELECT id, role, text, run_id, citations::text, created_at, seq FROM agent.messages
            WHERE conversation_id = \(conversationID) AND (\(after)::bigint IS NULL OR seq > \(after))
            ORDER BY seq LIMIT \(limit)
            """
        ).map { row in
            let (id, role, text, runID, citations, created, seq) = try row.decode((UUID, String, String, UUID?, String, Date, Int64).self)
            return MessageView(
                id: id.lowercased,
                role: role,
                text: text,
                runID: runID?.lowercased,
                citations: try JSONDecoder().decode([Citation].self, from: Data(citations.utf8)),
                createdAt: created,
                seq: seq
            )
        }
    }

    /// The assistant's reply of a run, stored once however often it is written: its id, and
    /// the turn when this call stored it.
    func answer(_ conversationID: UUID, runID: UUID, text: String, citations: [Citation]) async throws -> (id: UUID, turn: RecentTurns.Turn?) {
        let citationsJSON = String(decoding: try JSONEncoder().encode(citations), as: UTF8.self)
        let inserted = try await database.query(
            """
            INSERT INTO agent.messages (id, conversation_id, role, text, run_id, citations)
            VALUES (\(UUID()), \(conversationID), 'assistant', \(text), \(runID), \(citationsJSON)::jsonb)
            ON CONFLICT (run_id) WHERE role = 'assistant' DO NOTHING
            RETURNING id, seq
            """
        )
        if let row = inserted.first {
            let (id, seq) = try row.decode((UUID, Int64).self)
            return (id, RecentTurns.Turn(seq: seq, role: "assistant", text: text, runID: runID.lowercased))
        }
        return (try await database.query("SELECT id FROM agent.messages WHERE run_id = \(runID) AND role = 'assistant'")[0].decode(UUID.self), nil)
    }

    /// Deletes a conversation with its messages, runs and checkpoints; false when there was none.
    func delete(_ id: UUID) async throws -> Bool {
        try await !database.query("DELETE FROM agent.conversations WHERE id = \(id) RETURNING id").isEmpty
    }

    static let columns = "id, title, metadata::text, created_at, updated_at, seq"

    static func conversation(_ row: PostgresRow) throws -> ConversationView {
        let (id, title, metadata, created, updated, seq) = try row.decode((UUID, String?, String, Date, Date, Int64).self)
        return ConversationView(
            id: id.lowercased,
            title: title,
            metadata: try JSONDecoder().decode(AnyJSON.self, from: Data(metadata.utf8)),
            createdAt: created,
            updatedAt: updated,
            seq: seq
        )
    }
}
