import Foundation
import Logging
import PostgresNIO
import ServiceKit

/// Direct access to the shared test database, for checking what services stored.
public enum TestDatabase {
    /// Runs `body` with a client of the shared test database, or of the database at `url`.
    public static func with<Value: Sendable>(url: String? = nil, _ body: @Sendable (PostgresClient) async throws -> Value) async throws -> Value {
        let url = try PostgresURL(parsing: try url ?? TestEnvironment.databaseURL)
        let client = PostgresClient(configuration: url.clientConfiguration(poolSize: 2), backgroundLogger: Logger(label: "test-db"))
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// A new, empty database in the shared test server; its URL. Tests whose services run
    /// background work over whole tables (outbox relays) each take one, so they cannot see
    /// each other's rows.
    public static func fresh() async throws -> String {
        let name = "t_" + String((0..<12).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        _ = try await with { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        var components = URLComponents(string: try TestEnvironment.databaseURL)!
        components.path = "/" + name
        return components.string!
    }

    /// The first column of the first row as an integer (`SELECT count(*) …`).
    public static func scalar(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int {
        for try await value in try await client.query(query).decode(Int.self) { return value }
        return 0
    }
}
