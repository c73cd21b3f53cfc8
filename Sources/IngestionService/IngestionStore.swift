import Foundation
import NIOCore
import PostgresNIO
import ServiceKit

/// Ingestion's rows in PostgreSQL: items with the jobs made from them, and events.
struct IngestionStore: Sendable {
    let database: Database

    struct NewItem: Sendable {
        let kind: String
        let title: String?
        let collection: String?
        let contentType: String
        let content: [UInt8]
        let metadataJSON: String
    }

    /// Stores an item and its job in one transaction; the job waits for the relay to enqueue it.
    func insert(_ item: NewItem, jobKind: String, stream: String) async throws -> (itemID: UUID, jobID: UUID) {
        let itemID = UUID()
        let jobID = UUID()
        try await database.transaction { connection in
            try await connection.query(
                """
                INSERT INTO ingestion.items (id, kind, title, collection, content_type, size_bytes, content, metadata)
                VALUES (\(itemID), \(item.kind), \(item.title), \(item.collection), \(item.contentType), \(item.content.count), \(ByteBuffer(bytes: item.content)), \(item.metadataJSON)::jsonb)
                """,
                logger: database.logger
            )
            try await connection.query(
                "INSERT INTO ingestion.jobs (id, kind, stream, item_id) VALUES (\(jobID), \(jobKind), \(stream), \(itemID))",
                logger: database.logger
            )
        }
        return (itemID, jobID)
    }

    /// Jobs per stream and status, leaving out `done` ones: what the `ingestion_jobs` gauge shows.
    func openJobCounts() async throws -> [SampledGauge.Sample] {
        try await SampledGauge.counts(
            "SELECT stream, status, count(*) FROM ingestion.jobs WHERE status <> 'done' GROUP BY stream, status",
            in: database
        )
    }

    func item(_ id: UUID) async throws -> ItemMetadata? {
        let rows = try await database.query(
            "SELECT id, kind, title, collection, content_type, size_bytes, metadata::text, created_at FROM ingestion.items WHERE id = \(id)"
        )
        return try rows.first.map { row in
            let (id, kind, title, collection, contentType, size, metadata, created) = try row.decode(
                (UUID, String, String?, String?, String, Int, String, Date).self
            )
            return ItemMetadata(
                id: id.lowercased,
                kind: kind,
                title: title,
                collection: collection,
                contentType: contentType,
                sizeBytes: size,
                metadata: JSONText(raw: metadata),
                createdAt: created
            )
        }
    }

    func content(_ id: UUID) async throws -> (contentType: String, bytes: ByteBuffer)? {
        let rows = try await database.query("SELECT content_type, content FROM ingestion.items WHERE id = \(id)")
        return try rows.first.map { try $0.decode((String, ByteBuffer).self) }
    }

    func job(_ id: UUID) async throws -> JobView? {
        let rows = try await database.query(
            "SELECT id, kind, item_id, status, attempts, error, result::text, created_at, updated_at FROM ingestion.jobs WHERE id = \(id)"
        )
        return try rows.first.map { row in
            let (id, kind, itemID, status, attempts, error, result, created, updated) = try row.decode(
                (UUID, String, UUID, String, Int, String?, String?, Date, Date).self
            )
            return JobView(
                id: id.lowercased,
                kind: kind,
                itemID: itemID.lowercased,
                status: status,
                attempts: attempts,
                error: error,
                result: result.map(JSONText.init(raw:)),
                createdAt: created,
                updatedAt: updated
            )
        }
    }

    /// Applies a status event, unless a later one (by stream order) was applied already.
    func apply(_ event: JobStatusEvent, streamOrder: (ms: Int64, seq: Int64)) async throws {
        guard let id = UUID(uuidString: event.jobID) else { return }
        let resultJSON = event.result.flatMap { JSONText.isObjectOrArray($0) ? $0 : nil }
        _ = try await database.query(
            """
            UPDATE ingestion.jobs
            SET status = \(event.status.rawValue), attempts = GREATEST(attempts, \(event.attempt)),
                error = CASE WHEN \(event.status.rawValue) = 'done' THEN NULL ELSE COALESCE(\(event.error), error) END,
                result = COALESCE(\(resultJSON)::jsonb, result),
                last_event_ms = \(streamOrder.ms), last_event_seq = \(streamOrder.seq), updated_at = now()
            WHERE id = \(id) AND (last_event_ms, last_event_seq) < (\(streamOrder.ms), \(streamOrder.seq))
            """
        )
    }

    struct NewEvent: Sendable {
        let type: String
        let source: String
        let occurredAt: Date
        let payloadJSON: String
    }

    func insert(_ event: NewEvent) async throws -> UUID {
        let id = UUID()
        _ = try await database.query(
            "INSERT INTO ingestion.events (id, type, source, occurred_at, payload) VALUES (\(id), \(event.type), \(event.source), \(event.occurredAt), \(event.payloadJSON)::jsonb)"
        )
        return id
    }

    /// Events in time order from `since` (inclusive), continuing after `cursor` when paging.
    func events(type: String?, since: Date?, after cursor: EventCursor?, limit: Int) async throws -> [EventView] {
        let rows = try await database.query(
            """
            SELECT id, type, source, occurred_at, payload::text, received_at FROM ingestion.events
            WHERE (\(type)::text IS NULL OR type = \(type))
              AND (\(since)::timestamptz IS NULL OR occurred_at >= \(since))
              AND (\(cursor?.occurredAt)::timestamptz IS NULL OR (occurred_at, id) > (\(cursor?.occurredAt), \(cursor?.id)))
            ORDER BY occurred_at, id
            LIMIT \(limit)
            """
        )
        return try rows.map { row in
            let (id, type, source, occurred, payload, received) = try row.decode((UUID, String, String, Date, String, Date).self)
            return EventView(
                id: id.lowercased,
                type: type,
                source: source,
                occurredAt: occurred,
                payload: JSONText(raw: payload),
                receivedAt: received
            )
        }
    }
}
