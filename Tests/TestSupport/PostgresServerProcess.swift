import Foundation

/// A private PostgreSQL cluster (initdb'd on first start) on a spare port, for tests that
/// stop and restart the database. Runs as `TEST_PG_RUN_AS` when the tests run as root.
public final class PostgresServerProcess: @unchecked Sendable {
    public let port: Int
    private let dataDirectory: String
    private let logPath: String

    public init() throws {
        port = try freePort()
        let folder = try TestEnvironment.makeScratchDirectory("pg")
        dataDirectory = (folder as NSString).appendingPathComponent("data")
        logPath = (folder as NSString).appendingPathComponent("server.log")
    }

    public var url: String { "postgresql://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }

    public func start() async throws {
        if !FileManager.default.fileExists(atPath: dataDirectory) {
            try await pg("initdb", ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"])
        }
        try await pg(
            "pg_ctl",
            [
                "-D", dataDirectory, "-l", logPath, "-w", "-t", "30", "-o",
                "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off", "start",
            ]
        )
    }

    public func stop() async throws {
        try await pg("pg_ctl", ["-D", dataDirectory, "-w", "-m", "immediate", "stop"])
    }

    private func pg(_ tool: String, _ arguments: [String]) async throws {
        let binary = (try TestEnvironment.postgresBinDirectory as NSString).appendingPathComponent(tool)
        if let user = TestEnvironment.postgresRunAs {
            try await runCommand("/usr/sbin/runuser", ["-u", user, "--", binary] + arguments)
        } else {
            try await runCommand(binary, arguments)
        }
    }
}
