import Foundation
import ServiceKit
import TestSupport
import Testing

/// Dependency probes against private Redis and PostgreSQL servers that the tests stop and restart.
@Suite struct HealthTests {
    static func dependencies(_ response: TestHTTPResponse) throws -> [String: [String: Any]] {
        try #require(try response.json["dependencies"] as? [String: [String: Any]])
    }

    /// Polls /health until `condition` holds (probes are cached for about a second).
    static func waitForHealth(
        _ service: RunningService,
        timeout: Duration = .seconds(20),
        until condition: (TestHTTPResponse) throws -> Bool
    ) async throws -> TestHTTPResponse {
        let deadline = ContinuousClock.now + timeout
        var last = try await service.send(.GET, "/health")
        while ContinuousClock.now < deadline {
            if try condition(last) { return last }
            try await Task.sleep(for: .milliseconds(250))
            last = try await service.send(.GET, "/health")
        }
        Issue.record("health never reached the expected state; last: \(last.body)")
        return last
    }

    @Test func healthyWhenBothDependenciesAnswer() async throws {
        try await RunningService.with(Fixtures.service) { service in
            let response = try await Self.waitForHealth(service) { try $0.json["status"] as? String == "healthy" }
            #expect(response.status == 200)
            let body = try response.json
            #expect(body["service"] as? String == "fixture")
            #expect(body["version"] as? String == ServiceKitVersion.current)
            let dependencies = try Self.dependencies(response)
            for name in ["postgres", "redis"] {
                #expect(dependencies[name]?["status"] as? String == "up")
                #expect(dependencies[name]?["latency_ms"] is Double)
            }
            #expect(try await service.send(.GET, "/ready").status == 200)
        }
    }

    @Test func redisOutageDegradesAndRecoversWithoutRestart() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        try await RunningService.with(Fixtures.service, settings: ["REDIS_URL": redis.url]) { service in
            _ = try await Self.waitForHealth(service) { try $0.json["status"] as? String == "healthy" }

            await redis.kill()
            let degraded = try await Self.waitForHealth(service) { try $0.json["status"] as? String == "degraded" }
            #expect(degraded.status == 200)
            #expect(try Self.dependencies(degraded)["redis"]?["status"] as? String == "down")
            #expect(try Self.dependencies(degraded)["postgres"]?["status"] as? String == "up")
            #expect(try await service.send(.GET, "/ready").status == 503)
            #expect(try await service.send(.GET, "/metrics").body.contains("fixture_dependency_up{component=\"redis\"} 0.0"))
            #expect(try await service.send(.GET, "/v1/items/5").status == 200)

            try await redis.start()
            _ = try await Self.waitForHealth(service) { try $0.json["status"] as? String == "healthy" }
            #expect(try await service.send(.GET, "/ready").status == 200)
            #expect(try await service.send(.GET, "/metrics").body.contains("fixture_dependency_up{component=\"redis\"} 1.0"))
        }
        await redis.kill()
    }

    @Test func postgresOutageDegradesAndRecoversWithoutRestart() async throws {
        let postgres = try PostgresServerProcess()
        try await postgres.start()
        try await RunningService.with(Fixtures.service, settings: ["DATABASE_URL": postgres.url]) { service in
            _ = try await Self.waitForHealth(service) { try $0.json["status"] as? String == "healthy" }

            try await postgres.stop()
            let degraded = try await Self.waitForHealth(service) { try $0.json["status"] as? String == "degraded" }
            #expect(try Self.dependencies(degraded)["postgres"]?["status"] as? String == "down")
            #expect(try await service.send(.GET, "/ready").status == 503)
            #expect(try await service.send(.GET, "/metrics").body.contains("fixture_dependency_up{component=\"postgres\"} 0.0"))
            #expect(try await service.send(.GET, "/v1/items/5").status == 200)

            try await postgres.start()
            _ = try await Self.waitForHealth(service, timeout: .seconds(30)) { try $0.json["status"] as? String == "healthy" }
            #expect(try await service.send(.GET, "/ready").status == 200)
        }
        try? await postgres.stop()
    }

    @Test func aFrozenRedisDoesNotHoldHealthChecksPastTheProbeTimeout() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        try await RunningService.with(
            Fixtures.service,
            settings: ["REDIS_URL": redis.url, "HEALTH_PROBE_TIMEOUT_SECONDS": "0.5", "REDIS_COMMAND_TIMEOUT_SECONDS": "3"]
        ) { service in
            _ = try await Self.waitForHealth(service) { try $0.json["status"] as? String == "healthy" }
            redis.freeze()
            try await Task.sleep(for: .milliseconds(1100))
            let start = ContinuousClock.now
            let response = try await service.send(.GET, "/health")
            #expect(ContinuousClock.now - start < .milliseconds(1500))
            #expect(try Self.dependencies(response)["redis"]?["status"] as? String == "down")
            redis.thaw()
            _ = try await Self.waitForHealth(service) { try $0.json["status"] as? String == "healthy" }
        }
        await redis.kill()
    }

    @Test func aFloodOfHealthChecksCostsAboutOneProbePerSecond() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        try await RunningService.with(Fixtures.service, settings: ["REDIS_URL": redis.url]) { service in
            _ = try await Self.waitForHealth(service) { try $0.json["status"] as? String == "healthy" }
            let before = try await redis.commandCalls("ping")
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<200 {
                    group.addTask { try await service.send(.GET, "/health").status }
                }
                for try await status in group { #expect(status == 200) }
            }
            let elapsed = ContinuousClock.now - start
            let pings = try await redis.commandCalls("ping") - before
            // One probe per started second of the flood, plus one for a TTL boundary.
            #expect(pings <= Int(elapsed.seconds.rounded(.up)) + 1, "\(pings) PINGs in \(elapsed)")
        }
        await redis.kill()
    }

    @Test func startsDegradedWhenDependenciesAreUnreachable() async throws {
        let closedPort = try freePort()
        try await RunningService.with(
            Fixtures.service,
            settings: [
                "REDIS_URL": "redis://127.0.0.1:\(closedPort)/0", "DATABASE_URL": "postgresql://u:p@127.0.0.1:\(closedPort)/db?sslmode=disable",
            ]
        ) { service in
            let response = try await service.send(.GET, "/health")
            #expect(response.status == 200)
            #expect(try response.json["status"] as? String == "degraded")
            #expect(try await service.send(.GET, "/ready").status == 503)
            #expect(!response.body.contains(":p@"))
        }
    }
}
