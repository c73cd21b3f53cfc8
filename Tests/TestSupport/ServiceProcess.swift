import Foundation

/// One of the suite's executables started as its own process on a spare port, with the
/// shared test Postgres and Redis unless `environment` says otherwise.
public final class ServiceProcess: Sendable {
    public let name: String
    public let port: Int
    public let child: ChildProcess

    public init(_ name: String, environment: [String: String] = [:]) throws {
        self.name = name
        port = try freePort()
        var variables = [
            "HOST": "127.0.0.1", "PORT": String(port), "SECRETS_DIR": "/nonexistent",
            "DATABASE_URL": try TestEnvironment.databaseURL, "REDIS_URL": try TestEnvironment.redisURL,
            "MODELS_DIR": TestEnvironment.modelsDirectory,
        ]
        variables.merge(environment) { _, new in new }
        child = try ChildProcess(executable: (TestEnvironment.binDirectory as NSString).appendingPathComponent(name), environment: variables)
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Waits until the server accepts connections (it does so before its dependencies connect).
    public func waitUntilListening(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !child.isRunning { throw CommandFailure(command: name, output: "exited early: \(child.output)") }
            if canConnect(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CommandFailure(command: name, output: "not listening after \(timeout): \(child.output)")
    }

    public func send(_ path: String) async throws -> TestHTTPResponse {
        try await TestHTTPResponse.send(.GET, baseURL + path)
    }

    /// The JSON lines the service logged so far.
    public var logEntries: [[String: Any]] {
        child.output.split(whereSeparator: \.isNewline).compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}
