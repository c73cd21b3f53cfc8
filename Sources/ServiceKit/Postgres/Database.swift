import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceLifecycle

/// A service's PostgreSQL: the postgres-nio pool, a per-query time limit, and its schema's
/// migrations, applied in the background at start (retrying with backoff while the database
/// is unreachable) so the HTTP server never waits for them.
public final class Database: Service, Sendable {
    public let client: PostgresClient
    public let queryTimeout: Duration
    let migrator: Migrator
    public let logger: Logger
    private let migrated = NIOLockedValueBox(false)

    public init(client: PostgresClient, migrator: Migrator, queryTimeout: Duration, logger: Logger) {
        self.client = client
        self.migrator = migrator
        self.queryTimeout = queryTimeout
        self.logger = logger
    }

    /// True once the schema is up to date; until then `/ready` reports Postgres as not ready.
    public var isMigrated: Bool { migrated.withLockedValue { $0 } }

    /// Runs a query and collects its rows, cut off (and the query cancelled) at `queryTimeout`.
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let client = self.client
        return try await withQueryDeadline {
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query) { rows.append(row) }
            return rows
        }
    }

    /// Runs `body` in a transaction, within the query timeout as a whole.
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let (client, logger) = (self.client, self.logger)
        return try await withQueryDeadline {
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    private func withQueryDeadline<Result: Sendable>(_ operation: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let limit = queryTimeout
        return try await withDeadline(limit, orThrow: { DatabaseTimeoutError(limit: limit) }, operation)
    }

    /// Migrates (with backoff until the database answers), then holds until shutdown.
    public func run() async throws {
        // Waiting for an unreachable database must not hold up a shutdown.
        try? await cancelWhenGracefulShutdown {
            var attempt = 0
            let backoff = Backoff(base: .milliseconds(200), cap: .seconds(10))
            while !Task.isCancelled {
                do {
                    try await self.migrator.run(on: self.client, logger: self.logger)
                    self.migrated.withLockedValue { $0 = true }
                    return
                } catch {
                    if attempt == 0 {
                        self.logger.warning(
                            "migrations not applied yet; retrying",
                            metadata: ["schema": "\(self.migrator.schema)", "error": "\(String(reflecting: error))"]
                        )
                    }
                    try await Task.sleep(for: backoff.delay(attempt: attempt))
                    attempt += 1
                }
            }
        }
        try? await gracefulShutdown()
    }
}

/// A query cut off at its deadline: a ``DatabaseTimeoutError``, and the query cancelled.
public struct DatabaseTimeoutError: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "query did not complete within \(limit.seconds)s" }
}
