/// What makes one service of the suite distinct: its name, default port, which
/// dependencies it cannot work without, and the routes it adds to ServiceKit's own.
public struct ServiceDefinition: Sendable {
    public let name: String
    public let defaultPort: Int
    public let defaultRequestTimeoutSeconds: Double
    /// Dependencies whose absence makes `/ready` answer 503.
    public let requiredDependencies: Set<Dependency>
    public let version: String
    /// The service's schema, applied at start (the schema is named after the service).
    public let migrations: [Migration]
    /// Declares the service's routes and any long-running work beside them
    /// (``ServiceRoutes/runInBackground(_:)``); may read settings of its own from
    /// `routes.environment.config`, and a bad one stops start-up.
    public let addRoutes: @Sendable (ServiceRoutes) throws -> Void

    public init(
        name: String,
        defaultPort: Int,
        defaultRequestTimeoutSeconds: Double = 15,
        requiredDependencies: Set<Dependency> = [.postgres, .redis],
        version: String = ServiceKitVersion.current,
        migrations: [Migration] = [],
        addRoutes: @escaping @Sendable (ServiceRoutes) throws -> Void = { _ in }
    ) {
        self.name = name
        self.defaultPort = defaultPort
        self.defaultRequestTimeoutSeconds = defaultRequestTimeoutSeconds
        self.requiredDependencies = requiredDependencies
        self.version = version
        self.migrations = migrations
        self.addRoutes = addRoutes
    }
}

/// The suite's release version, reported by `/health` and the OpenAPI documents.
public enum ServiceKitVersion {
    public static let current = "0.1.0"
}
