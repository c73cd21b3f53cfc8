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
}
