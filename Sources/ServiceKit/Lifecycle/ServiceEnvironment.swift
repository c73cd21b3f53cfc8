import Hummingbird
import Logging
import PostgresNIO

/// What a service's handlers can reach: its settings, metrics, logger and dependency clients.
public struct ServiceEnvironment: Sendable {
    public let definition: ServiceDefinition
    public let settings: ServiceSettings
    /// Where the settings came from; services read settings of their own through it.
    public let config: Config
    public let metrics: ServiceMetrics
    public let logger: Logger
    /// Nil when `DATABASE_URL` is not configured.
    public let database: Database?
    /// Nil when `REDIS_URL` is not configured.
    public let redis: RedisClient?
    public let health: HealthMonitor

    /// The database for a handler that needs it: 503 (with `Retry-After` while the schema
    /// is being migrated) when there is none yet.
    public func requireDatabase() throws -> Database {
        guard let database else { throw HTTPError(.serviceUnavailable, message: "The database is not configured.") }
        guard database.isMigrated else {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"], message: "The database schema is not ready yet.")
        }
        return database
    }
}
