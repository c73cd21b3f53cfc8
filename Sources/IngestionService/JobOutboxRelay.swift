import Foundation
import Logging
import PostgresNIO
import ServiceKit
import ServiceLifecycle

/// Moves jobs from ingestion's table onto their Redis streams.
///
/// A job row is written with its item; then it is enqueued right away (``enqueue(_:)``)
/// and, should Redis be down or the process die first, by this relay's sweep, which
/// retries until it succeeds. Each row is locked (`FOR UPDATE SKIP LOCKED`) while it is
/// enqueued, so replicas never enqueue the same job twice in the ordinary course; a crash
/// between XADD and commit can repeat one, which job handlers tolerate by design.
struct JobOutboxRelay: Service {
    let database: Database
    let queue: JobQueue
    let logger: Logger
    let sweepInterval: Duration

    /// Enqueues the jobs awaiting it: `jobID` only, or up to a batch of the oldest.
    @discardableResult
    func enqueue(_ jobID: UUID? = nil) async throws -> Int {
        let queue = self.queue
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT j.id, j.kind, j.stream, j.item_id, i.content_type FROM ingestion.jobs j JOIN ingestion.items i ON i.id = j.item_id
                WHERE j.enqueued_at IS NULL AND (\(jobID)::uuid IS NULL OR j.id = \(jobID))
                ORDER BY j.created_at LIMIT 100
                FOR UPDATE OF j SKIP LOCKED
                """,
                logger: Logger(label: "relay")
            )
            var count = 0
            for try await (id, kind, stream, itemID, contentType) in rows.decode((UUID, String, String, UUID, String).self) {
                let payload = try JSONEncoder().encode(
                    ItemJobPayload(jobID: id.lowercased, kind: kind, itemID: itemID.lowercased, contentType: contentType)
                )
                // Status first: a worker may take the job the moment it is on the stream, and its
                // `processing` must come after `queued`.
                try await queue.publish(jobID: id.lowercased, status: .queued, attempt: 0)
                try await queue.enqueue(stream, jobID: id.lowercased, payload: Array(payload))
                try await connection.query("UPDATE ingestion.jobs SET enqueued_at = now() WHERE id = \(id)", logger: Logger(label: "relay"))
                count += 1
            }
            return count
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    private func loop() async {
        var failing = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            guard database.isMigrated else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            do {
                let moved = try await enqueue()
                if moved > 0 { logger.info("relayed waiting jobs", metadata: ["count": "\(moved)"]) }
                if failing { logger.notice("job relay is enqueueing again") }
                failing = false
            } catch {
                if !failing {
                    logger.warning("job relay cannot enqueue; jobs wait in the database", metadata: ["error": "\(String(reflecting: error))"])
                }
                failing = true
            }
            try? await Task.sleep(for: sweepInterval)
        }
    }
}
