import PostgresNIO

/// Checks that one dependency answers; throws when it does not. Kept cheap: it may run once a second.
public protocol DependencyProbe: Sendable {
    var dependency: Dependency { get }
    func check() async throws
}

/// `PING` through the service's Redis client.
public struct RedisProbe: DependencyProbe {
    public let dependency = Dependency.redis
    let client: RedisClient

    public init(client: RedisClient) { self.client = client }

    public func check() async throws { try await client.ping() }
}

/// `SELECT 1` through the service's Postgres pool; down, too, until its schema is migrated.
public struct PostgresProbe: DependencyProbe {
    public let dependency = Dependency.postgres
    let database: Database

    public init(database: Database) { self.database = database }

    public func check() async throws {
        let rows = try await database.client.query("SELECT 1")
        for try await _ in rows {}
        guard database.isMigrated else { throw ProbeError.migrationsPending }
    }
}

/// Stands in for a dependency whose URL is not configured: always down, saying why.
public struct UnconfiguredProbe: DependencyProbe {
    public let dependency: Dependency
    public init(dependency: Dependency) { self.dependency = dependency }

    public func check() async throws { throw ProbeError.notConfigured }
}

enum ProbeError: Error, CustomStringConvertible {
    case notConfigured
    case migrationsPending
    case timedOut(Duration)

    var description: String {
        switch self {
        case .notConfigured: "not configured"
        case .migrationsPending: "migrations pending"
        case .timedOut(let limit): "no answer within \(limit.seconds)s"
        }
    }
}
