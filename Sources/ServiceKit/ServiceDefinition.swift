/// What makes one service of the suite distinct: its name, default port, which
/// dependencies it cannot work without, and the routes it adds to ServiceKit's own.
public struct ServiceDefinition: Sendable {
    public let name: String
    public let defaultPort: Int
    public let defaultRequestTimeoutSeconds: Double
    /// Dependencies whose absence makes `/ready` answer 503.
    public let requiredDependencies: Set<Dependency>
    public let version: String
    public let addRoutes: @Sendable (ServiceRoutes) -> Void

    public init(
        name: String,
        defaultPort: Int,
        defaultRequestTimeoutSeconds: Double = 15,
        requiredDependencies: Set<Dependency> = [.postgres, .redis],
        version: String = ServiceKitVersion.current,
        addRoutes: @escaping @Sendable (ServiceRoutes) -> Void = { _ in }
    ) {
        self.name = name
        self.defaultPort = defaultPort
        self.defaultRequestTimeoutSeconds = defaultRequestTimeoutSeconds
        self.requiredDependencies = requiredDependencies
        self.version = version
        self.addRoutes = addRoutes
    }
}

/// The suite's release version, reported by `/health` and the OpenAPI documents.
public enum ServiceKitVersion {
    public static let current = "0.1.0"
}
