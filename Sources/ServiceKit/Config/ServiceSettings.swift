import Logging

/// The settings every service reads at start-up, typed and validated.
///
/// Secrets (`SERVICE_API_KEY`, `DATABASE_URL`, `REDIS_URL`) are held here but never
/// appear in ``summary``, the one start-up log line of effective settings.
public struct ServiceSettings: Sendable {
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public var maxRequestBytes: Int
    public var requestTimeout: Duration
    public var authEnabled: Bool
    public var serviceAPIKey: String?
    public var corsAllowOrigins: [String]
    public var databaseURL: String?
    public var redisURL: String?
    public var databasePoolSize: Int
    public var databaseQueryTimeout: Duration
    public var redisConnectTimeout: Duration
    public var redisCommandTimeout: Duration
    public var healthProbeTimeout: Duration
    public var shutdownTimeout: Duration
    public var idempotencyTTL: Duration
    public var rateLimitEnabled: Bool
    public var rateLimitDefault: [RateLimit]
    /// Per-route limits from `RATE_LIMIT_ENDPOINTS`; they replace limits declared in code.
    public var rateLimitEndpoints: [RouteKey: [RateLimit]]
    public var trustedProxies: [String]
    /// How often gauges counted from the database (``SampledGauge``) are refreshed.
    public var metricsSampleInterval: Duration
    /// The folder `ops/models` fills with Swagger UI's files, which `/docs` serves.
    public var docsAssetsDirectory: String

    /// Reads every setting for `service`; throws ``ConfigError`` naming the first bad variable.
    public init(for service: ServiceDefinition, config: Config) throws(ConfigError) {
        host = try config.string("HOST", default: "0.0.0.0")
        port = try config.int("PORT", default: service.defaultPort, range: 0...65535)
        let level = try config.string("LOG_LEVEL", default: "info").lowercased()
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ConfigError(name: "LOG_LEVEL", reason: "expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.logLevel = logLevel
        maxRequestBytes = try config.int("MAX_REQUEST_BYTES", default: 1_048_576, range: 1...Int(Int32.max))
        requestTimeout = try config.seconds("REQUEST_TIMEOUT_SECONDS", default: service.defaultRequestTimeoutSeconds)
        authEnabled = try config.bool("AUTH_ENABLED", default: false)
        serviceAPIKey = try config.string("SERVICE_API_KEY").flatMap { $0.isEmpty ? nil : $0 }
        if authEnabled, serviceAPIKey == nil {
            throw ConfigError(name: "SERVICE_API_KEY", reason: "AUTH_ENABLED is on but no key is configured")
        }
        corsAllowOrigins = try config.list("CORS_ALLOW_ORIGINS")
        databaseURL = try config.string("DATABASE_URL").flatMap { $0.isEmpty ? nil : $0 }
        redisURL = try config.string("REDIS_URL").flatMap { $0.isEmpty ? nil : $0 }
        databasePoolSize = try config.int("DB_POOL_SIZE", default: 10, range: 1...1000)
        databaseQueryTimeout = try config.seconds("DB_QUERY_TIMEOUT_SECONDS", default: 5)
        redisConnectTimeout = try config.seconds("REDIS_CONNECT_TIMEOUT_SECONDS", default: 2)
        redisCommandTimeout = try config.seconds("REDIS_COMMAND_TIMEOUT_SECONDS", default: 2)
        healthProbeTimeout = try config.seconds("HEALTH_PROBE_TIMEOUT_SECONDS", default: 1)
        shutdownTimeout = try config.seconds("SHUTDOWN_TIMEOUT_SECONDS", default: 25)
        idempotencyTTL = try config.seconds("IDEMPOTENCY_TTL_SECONDS", default: 600)
        rateLimitEnabled = try config.bool("RATE_LIMIT_ENABLED", default: true)
        let defaultLimits = try config.string("RATE_LIMIT_DEFAULT", default: "1000/minute")
        do {
            rateLimitDefault = try RateLimit.list(parsing: defaultLimits)
        } catch {
            throw ConfigError(name: "RATE_LIMIT_DEFAULT", reason: error.description)
        }
        let endpointLimits = try config.string("RATE_LIMIT_ENDPOINTS", default: "")
        do {
            rateLimitEndpoints = try RateLimit.endpoints(parsing: endpointLimits)
        } catch {
            throw ConfigError(name: "RATE_LIMIT_ENDPOINTS", reason: error.description)
        }
        trustedProxies = try config.list("TRUSTED_PROXIES")
        metricsSampleInterval = try config.seconds("METRICS_SAMPLE_INTERVAL_SECONDS", default: 15)
        docsAssetsDirectory = try config.string("DOCS_ASSETS_DIR", default: ".run/swagger-ui")
    }

    /// Effective non-secret settings, for the start-up log line.
    public var summary: Logger.Metadata {
        [
            "host": "\(host)",
            "port": "\(port)",
            "log_level": "\(logLevel.rawValue)",
            "max_request_bytes": "\(maxRequestBytes)",
            "request_timeout_seconds": "\(requestTimeout.seconds)",
            "auth_enabled": "\(authEnabled)",
            "cors_allow_origins": "\(corsAllowOrigins.joined(separator: ","))",
            "database_configured": "\(databaseURL != nil)",
            "redis_configured": "\(redisURL != nil)",
            "db_pool_size": "\(databasePoolSize)",
            "db_query_timeout_seconds": "\(databaseQueryTimeout.seconds)",
            "redis_connect_timeout_seconds": "\(redisConnectTimeout.seconds)",
            "redis_command_timeout_seconds": "\(redisCommandTimeout.seconds)",
            "health_probe_timeout_seconds": "\(healthProbeTimeout.seconds)",
            "shutdown_timeout_seconds": "\(shutdownTimeout.seconds)",
            "idempotency_ttl_seconds": "\(idempotencyTTL.seconds)",
            "rate_limit_enabled": "\(rateLimitEnabled)",
            "rate_limit_default": "\(rateLimitDefault.map(\.description).joined(separator: ";"))",
            "rate_limit_endpoints":
                "\(rateLimitEndpoints.map { "\($0.key)=\($0.value.map(\.description).joined(separator: ";"))" }.sorted().joined(separator: ";"))",
            "trusted_proxies": "\(trustedProxies.joined(separator: ","))",
            "metrics_sample_interval_seconds": "\(metricsSampleInterval.seconds)",
            "docs_assets_dir": "\(docsAssetsDirectory)",
        ]
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
