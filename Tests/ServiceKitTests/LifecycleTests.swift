import Foundation
import TestSupport
import Testing

/// The fixture executable (ServiceKit plus a slow route) run as a real process.
@Suite struct LifecycleTests {
    @Test func sigtermLetsAnInFlightRequestFinishThenExitsZero() async throws {
        let server = try ServiceProcess("servicekit-fixture")
        defer { Task { await server.child.stop() } }
        try await server.waitUntilListening()

        async let slow = server.send("/slow?seconds=2")
        try await Task.sleep(for: .milliseconds(500))
        server.child.signal(SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        // Draining: no new connections are accepted while the slow request finishes.
        #expect(await (try? server.send("/health")) == nil)

        let response = try await slow
        #expect(response.status == 200)
        #expect(response.body == "slept 2.0s")
        #expect(await server.child.waitForExit(timeout: .seconds(10)) == 0)
        #expect(server.logEntries.contains { $0["msg"] as? String == "stopped" })
    }

    @Test func drainIsBoundedByTheShutdownTimeout() async throws {
        let server = try ServiceProcess("servicekit-fixture", environment: ["SHUTDOWN_TIMEOUT_SECONDS": "1", "REQUEST_TIMEOUT_SECONDS": "60"])
        defer { Task { await server.child.stop() } }
        try await server.waitUntilListening()
        async let slow = try? server.send("/slow?seconds=30")
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        server.child.signal(SIGTERM)
        #expect(await server.child.waitForExit(timeout: .seconds(10)) != nil)
        #expect(ContinuousClock.now - start < .seconds(5))
        _ = await slow
    }

    @Test func startsWithoutItsDependenciesAndLogsSettingsWithoutSecrets() async throws {
        let closed = try freePort()
        let server = try ServiceProcess(
            "servicekit-fixture",
            environment: [
                "REDIS_URL": "redis://:redis-pw-1@127.0.0.1:\(closed)/0",
                "DATABASE_URL": "postgresql://app:pg-pw-2@127.0.0.1:\(closed)/suite",
                "AUTH_ENABLED": "true", "SERVICE_API_KEY": "api-key-3",
            ]
        )
        defer { Task { await server.child.stop() } }
        try await server.waitUntilListening()
        let health = try await server.send("/health")
        #expect(health.status == 200)
        #expect(try health.json["status"] as? String == "degraded")
        server.child.signal(SIGTERM)
        #expect(await server.child.waitForExit(timeout: .seconds(10)) == 0)

        let starting = try #require(server.logEntries.first { $0["msg"] as? String == "starting" })
        #expect(starting["auth_enabled"] as? String == "true")
        #expect(starting["port"] as? String == String(server.port))
        for secret in ["redis-pw-1", "pg-pw-2", "api-key-3"] {
            #expect(!server.child.output.contains(secret))
        }
    }

    @Test func aBadSettingStopsStartUpNamingTheVariable() async throws {
        let server = try ServiceProcess("servicekit-fixture", environment: ["MAX_REQUEST_BYTES": "abc"])
        let status = await server.child.waitForExit(timeout: .seconds(10))
        #expect(status == 1)
        #expect(server.child.output.contains("MAX_REQUEST_BYTES"))
    }
}
