import Foundation
import PostgresNIO
import ServiceKit

/// The delivery outbox in PostgreSQL. A delivery is written first and sent afterwards, so
/// a provider outage or a restart loses nothing.
struct DeliveryStore: Sendable {
    let database: Database

    func insert(provider: String, target: String, message: String?, payloadJSON: String?) async throws -> UUID {
        let id = UUID()
        _ = try await database.query(
            "INSERT INTO integrations.deliveries (id, provider, target, message, payload) VALUES (\(id), \(provider), \(target), \(message), \(payloadJSON)::jsonb)"
        )
        return id
    }

    /// Claims the most overdue delivery: marks it `sending`, counts the attempt, and hides it
    /// from other dispatchers for `lease` (after which a crashed sender's delivery is taken
    /// again). `SKIP LOCKED` lets replicas claim side by side.
    func claimDue(lease: Duration) async throws -> (Delivery, provider: String, attempts: Int)? {
        let leaseSeconds = lease.seconds
        let rows = try await database.query(
            """
            WITH due AS (
                SELECT id FROM integrations.deliveries
                WHERE status IN ('queued', 'sending') AND next_attempt_at <= now()
                ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            UPDATE integrations.deliveries d
            SET status = 'sending', attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => \(leaseSeconds)), updated_at = now()
            FROM due WHERE d.id = due.id
            RETURNING d.id, d.provider, d.target, d.message, d.payload::text, d.attempts
            """
        )
        guard let row = rows.first else { return nil }
        let (id, provider, target, message, payload, attempts) = try row.decode((UUID, String, String, String?, String?, Int).self)
        return (Delivery(id: id, target: target, message: message, payload: payload), provider, attempts)
    }

    func markDelivered(_ id: UUID, response: String) async throws {
        _ = try await database.query(
            "UPDATE integrations.deliveries SET status = 'delivered', provider_response = \(String(response.prefix(1000))), last_error = NULL, delivered_at = now(), updated_at = now() WHERE id = \(id)"
        )
    }

    /// Records a failed attempt: `failed` (no retry), `dead` (attempts spent) or back to
    /// `queued` at `retryAt`. `refund` gives the attempt back (the breaker refused it unsent).
    func markFailed(_ id: UUID, status: String, error: String, retryAt: Date, refund: Bool) async throws {
        _ = try await database.query(
            """
            UPDATE integrations.deliveries
            SET status = \(status), last_error = \(String(error.prefix(1000))), next_attempt_at = \(retryAt),
                attempts = attempts - \(refund ? 1 : 0), updated_at = now()
            WHERE id = \(id)
            """
        )
    }

    /// Deliveries per provider and status, leaving out delivered ones: what the `integrations_deliveries` gauge shows.
    func openDeliveryCounts() async throws -> [SampledGauge.Sample] {
        try await SampledGauge.counts(
            "SELECT provider, status, count(*) FROM integrations.deliveries WHERE status <> 'delivered' GROUP BY provider, status",
            in: database
        )
    }

    func delivery(_ id: UUID) async throws -> DeliveryView? {
        try await views("WHERE id = \(id)").first
    }

    func deliveries(status: String?, limit: Int) async throws -> [DeliveryView] {
        try await views("WHERE (\(status)::text IS NULL OR status = \(status)) ORDER BY created_at DESC LIMIT \(limit)")
    }

    /// `dead` or `failed` back to `queued`, attempts reset; false if it was in neither state.
    func requeue(_ id: UUID) async throws -> Bool {
        let rows = try await database.query(
            "UPDATE integrations.deliveries SET status = 'queued', attempts = 0, next_attempt_at = now(), updated_at = now() WHERE id = \(id) AND status IN ('dead', 'failed') RETURNING id"
        )
        return !rows.isEmpty
    }

    private func views(_ filter: PostgresQuery) async throws -> [DeliveryView] {
        var query = PostgresQuery(
            unsafeSQL:
                "SELECT id, provider, target, status, attempts, last_error, provider_response, created_at, updated_at, delivered_at FROM integrations.deliveries "
        )
        query.sql += filter.sql
        query.binds = filter.binds
        return try await database.query(query).map { row in
            let (id, provider, target, status, attempts, error, response, created, updated, delivered) = try row.decode(
                (UUID, String, String, String, Int, String?, String?, Date, Date, Date?).self
            )
            return DeliveryView(
                id: id.uuidString.lowercased(),
                provider: provider,
                target: target,
                status: status,
                attempts: attempts,
                lastError: error,
                providerResponse: response,
                createdAt: created,
                updatedAt: updated,
                deliveredAt: delivered
            )
        }
    }
}

/// A delivery as clients read it.
struct DeliveryView: APIModel {
    let id: String
    let provider: String
    let target: String
    let status: String
    let attempts: Int
    let lastError: String?
    let providerResponse: String?
    let createdAt: Date
    let updatedAt: Date
    let deliveredAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, provider, target, status, attempts
        case lastError = "last_error"
        case providerResponse = "provider_response"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case deliveredAt = "delivered_at"
    }

    static let statuses = ["queued", "sending", "delivered", "failed", "dead"]

    static var fieldConstraints: [String: FieldConstraint] { ["id": .format("uuid"), "status": .oneOf(statuses)] }
}
