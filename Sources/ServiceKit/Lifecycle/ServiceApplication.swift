import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import PostgresNIO
import ServiceLifecycle

/// A service assembled from ServiceKit: dependency clients, health, metrics, the middleware
/// chain in the suite's order, and the service's own routes next to the built-in ones.
public struct ServiceApplication {
    public typealias App = Application<RouterResponder<ServiceRequestContext>>

    public let environment: ServiceEnvironment
    public let application: App

    /// Builds the service; throws ``ConfigError`` for an unusable `DATABASE_URL` or `REDIS_URL`.
    /// Nothing connects here: the clients connect in the background once the app runs.
    public init(definition: ServiceDefinition, settings: ServiceSettings, config: Config = Config(), logger: Logger) throws {
        let metrics = ServiceMetrics(service: definition.name)
        let database = try settings.databaseURL.map { url throws(ConfigError) in
            Database(
                client: PostgresClient(
                    configuration: try PostgresURL(parsing: url).clientConfiguration(poolSize: settings.databasePoolSize),
                    backgroundLogger: logger
                ),
                migrator: Migrator(schema: definition.name, migrations: definition.migrations),
                queryTimeout: settings.databaseQueryTimeout,
                logger: logger
            )
        }
        let redis = try settings.redisURL.map { url throws(ConfigError) in
            RedisClient(
                url: try RedisURL(parsing: url),
                connectTimeout: settings.redisConnectTimeout,
                commandTimeout: settings.redisCommandTimeout,
                logger: logger
            )
        }
        let probes: [any DependencyProbe] = [
            database.map { PostgresProbe(database: $0) } ?? UnconfiguredProbe(dependency: .postgres),
            redis.map { RedisProbe(client: $0) } ?? UnconfiguredProbe(dependency: .redis),
        ]
        let health = HealthMonitor(probes: probes, timeout: settings.healthProbeTimeout, metrics: metrics, logger: logger)
        environment = ServiceEnvironment(
            definition: definition,
            settings: settings,
            config: config,
            metrics: metrics,
            logger: logger,
            database: database,
            redis: redis,
            health: health
        )

        let routes = ServiceRoutes(environment: environment)
        HealthRoutes.add(to: routes)
        ObservabilityRoutes.add(to: routes)
        APIExplorerRoutes.add(to: routes)
        try definition.addRoutes(routes)
        try ObservabilityRoutes.addOpenAPI(to: routes)

        let router = Router(context: ServiceRequestContext.self)
        Self.addMiddleware(to: router, definition: definition, settings: settings, routes: routes, metrics: metrics, redis: redis, logger: logger)
        routes.register(on: router)
        // WebSocket upgrades are answered by a router of their own behind the same middleware;
        // a request it does not upgrade goes on to the HTTP router.
        var server = HTTPServerBuilder.http1()
        if !routes.webSockets.isEmpty {
            let webSocketRouter = Router(context: ServiceRequestContext.self)
            Self.addMiddleware(
                to: webSocketRouter,
                definition: definition,
                settings: settings,
                routes: routes,
                metrics: metrics,
                redis: redis,
                logger: logger
            )
            routes.registerWebSockets(on: webSocketRouter)
            server = .http1WebSocketUpgrade(webSocketRouter: webSocketRouter)
        }

        // Shut down in reverse: the server drains first, then the clients close.
        let services: [any Service] = [database?.client as (any Service)?, database, redis].compactMap { $0 } + routes.backgroundServices
        application = Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: nil),
            services: services,
            logger: logger
        )
    }

    /// ServiceKit's middleware in its order (DESIGN.md); Hummingbird wraps each route with the
    /// middleware added before it, so all of it comes first.
    private static func addMiddleware(
        to router: Router<ServiceRequestContext>,
        definition: ServiceDefinition,
        settings: ServiceSettings,
        routes: ServiceRoutes,
        metrics: ServiceMetrics,
        redis: RedisClient?,
        logger: Logger
    ) {
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: CORSMiddleware(allowedOrigins: settings.corsAllowOrigins))
        router.add(middleware: BodyLimitMiddleware(defaultLimit: settings.maxRequestBytes, routeLimits: routes.bodyLimits))
        if settings.authEnabled, let key = settings.serviceAPIKey {
            router.add(middleware: AuthMiddleware(apiKey: key))
        }
        if settings.rateLimitEnabled {
            router.add(
                middleware: RateLimitMiddleware(
                    limiter: RateLimiter(service: definition.name, fallback: RedisFallback(feature: "rate limiting", redis: redis, logger: logger)),
                    identity: ClientIdentity(trustedProxies: Set(settings.trustedProxies)),
                    defaultLimits: settings.rateLimitDefault,
                    routeLimits: routes.rateLimits(overriddenBy: settings.rateLimitEndpoints),
                    metrics: metrics
                )
            )
        }
        let timeouts = routes.timeouts
        router.add(middleware: TimeoutMiddleware(timeout: settings.requestTimeout, routeTimeouts: timeouts, metrics: metrics))
        router.add(
            middleware: IdempotencyMiddleware(
                routes: routes.idempotentRoutes,
                store: IdempotencyStore(service: definition.name, fallback: RedisFallback(feature: "idempotency", redis: redis, logger: logger)),
                ttl: settings.idempotencyTTL,
                // A claim outlives the longest request that can hold it.
                claimTTL: timeouts.values.reduce(settings.requestTimeout) { max($0, $1) } + .seconds(5),
                metrics: metrics
            )
        )
        router.add(middleware: ProblemMiddleware(metrics: metrics))
        router.add(middleware: UndeclaredMethodMiddleware(routes: routes.declarations.map(\.key)))
    }
}
