import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import ServiceKit

/// A ServiceKit service running in this process on a spare loopback port, reached over
/// real HTTP through AsyncHTTPClient, with its log lines captured for assertions.
public struct RunningService: Sendable {
    public let port: Int
    public let environment: ServiceEnvironment
    public let logs: LogCapture

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `definition` with the shared test Postgres and Redis (unless `settings` names
    /// others), runs `body`, then shuts the service down. With `waitForReady`, `body` starts
    /// once `/ready` answers 200 (the schema is migrated).
    public static func with<Value: Sendable>(
        _ definition: ServiceDefinition,
        settings overrides: [String: String] = [:],
        waitForReady: Bool = false,
        _ body: @Sendable (RunningService) async throws -> Value
    ) async throws -> Value {
        var variables = ["HOST": "127.0.0.1", "PORT": "0", "SECRETS_DIR": "/nonexistent"]
        variables["DATABASE_URL"] = try TestEnvironment.databaseURL
        variables["REDIS_URL"] = try TestEnvironment.redisURL
        variables["MODELS_DIR"] = TestEnvironment.modelsDirectory
        variables.merge(overrides) { _, new in new }
        let config = Config(environment: variables)
        let settings = try ServiceSettings(for: definition, config: config)
        let logs = LogCapture()
        let logger = Logger(label: definition.name) { _ in JSONLogHandler(service: definition.name, level: .info, sink: logs.append) }
        let service = try ServiceApplication(definition: definition, settings: settings, config: config, logger: logger)
        let environment = service.environment
        return try await service.application.test(.live) { client in
            let running = RunningService(port: client.port!, environment: environment, logs: logs)
            if waitForReady { try await running.waitUntilReady() }
            return try await body(running)
        }
    }

    public func waitUntilReady(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        var ready = try await send(.GET, "/ready")
        while ready.status != 200 {
            guard ContinuousClock.now < deadline else {
                let warnings = logs.entries.filter { ($0["level"] as? String) != "info" }.map { "\($0["msg"] ?? "") \($0["error"] ?? "")" }
                throw CommandFailure(command: "wait for /ready", output: "not ready after \(timeout): \(ready.body); warnings logged: \(warnings)")
            }
            try await Task.sleep(for: .milliseconds(100))
            ready = try await send(.GET, "/ready")
        }
    }

    /// The samples of `/metrics`, keyed by series (`name{labels}` as exposed).
    public func metricSamples() async throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in try await send(.GET, "/metrics").body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// Polls `/metrics` until `series` (`name{labels}` as exposed) has `value`.
    public func waitForMetric(_ series: String, toBe value: Double, timeout: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last: Double?
        while ContinuousClock.now < deadline {
            last = try await metricSamples()[series]
            if last == value { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandFailure(command: "wait for \(series) to be \(value)", output: "last seen: \(last.map(String.init(describing:)) ?? "absent")")
    }

    /// Sends a request and collects the whole response.
    public func send(
        _ method: HTTPMethod = .GET,
        _ path: String,
        headers: [(String, String)] = [],
        body: String? = nil
    ) async throws -> TestHTTPResponse {
        try await TestHTTPResponse.send(
            method,
            baseURL + path,
            headers: headers,
            body: body.map { HTTPClientRequest.Body.bytes(ByteBuffer(string: $0)) }
        )
    }
}

/// A whole HTTP response as the tests look at it.
public struct TestHTTPResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: String

    public func header(_ name: String) -> String? { headers.first(name: name) }

    /// The body parsed as a JSON object.
    public var json: [String: Any] {
        get throws {
            guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
                throw CommandFailure(command: "parse JSON", output: body)
            }
            return object
        }
    }

    public static func send(
        _ method: HTTPMethod,
        _ url: String,
        headers: [(String, String)] = [],
        body: HTTPClientRequest.Body? = nil,
        timeout: TimeAmount = .seconds(30)
    ) async throws -> TestHTTPResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = body }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return TestHTTPResponse(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}

/// Log lines a service wrote, kept in memory.
public final class LogCapture: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    public init() {}

    public var append: JSONLogHandler.Sink {
        { [lines] line in lines.withLockedValue { $0.append(line) } }
    }

    public var all: [String] { lines.withLockedValue { $0 } }

    /// The captured lines parsed as JSON objects.
    public var entries: [[String: Any]] {
        all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}
