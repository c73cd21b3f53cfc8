import AsyncHTTPClient
import Foundation
import ServiceKit
import TestSupport
import Testing

@Suite struct IdempotencyTests {
    static func order(_ service: RunningService, key: String?, body: String = #"{"item":"tea"}"#, query: String = "") async throws -> TestHTTPResponse
    {
        var headers = [("Content-Type", "application/json")]
        if let key { headers.append(("Idempotency-Key", key)) }
        return try await service.send(.POST, "/v1/orders" + query, headers: headers, body: body)
    }

    @Test func aRepeatReplaysTheFirstResponseByteForByte() async throws {
        let counting = CountingService()
        try await RunningService.with(counting.definition) { service in
            let key = "order-\(UUID())"
            let first = try await Self.order(service, key: key)
            #expect(first.status == 201)
            #expect(first.header("Idempotent-Replayed") == nil)

            let second = try await Self.order(service, key: key)
            #expect(second.status == 201)
            #expect(second.body == first.body)
            #expect(second.header("Location") == first.header("Location"))
            #expect(second.header("Content-Type") == first.header("Content-Type"))
            #expect(second.header("Idempotent-Replayed") == "true")
            #expect(counting.callCount == 1)

            // Without a key, every request runs.
            _ = try await Self.order(service, key: nil)
            _ = try await Self.order(service, key: nil)
            #expect(counting.callCount == 3)

            let metrics = try await service.send(.GET, "/metrics").body
            #expect(metrics.contains("counting_idempotency_requests_total{result=\"new\"} 1"))
            #expect(metrics.contains("counting_idempotency_requests_total{result=\"replayed\"} 1"))
        }
    }

    @Test func theSameKeyWithADifferentBodyIs422() async throws {
        let counting = CountingService()
        try await RunningService.with(counting.definition) { service in
            let key = "k-\(UUID())"
            #expect(try await Self.order(service, key: key).status == 201)
            let mismatch = try await Self.order(service, key: key, body: #"{"item":"coffee"}"#)
            #expect(mismatch.status == 422)
            #expect(mismatch.header("Content-Type") == "application/problem+json")
            #expect(try mismatch.json["errors"] != nil)
            #expect(counting.callCount == 1)
        }
    }

    @Test func aRepeatWhileTheFirstRunsIs409() async throws {
        let counting = CountingService()
        try await RunningService.with(counting.definition) { service in
            let key = "slow-\(UUID())"
            async let first = Self.order(service, key: key, query: "?hold=1")
            // The first is inside its handler, held there until the repeat has been answered.
            while counting.callCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let second = try await Self.order(service, key: key, query: "?hold=1")
            counting.gate.withLockedValue { $0 = true }
            #expect(second.status == 409)
            #expect(second.header("Retry-After") != nil)
            #expect(try await first.status == 201)
            #expect(counting.callCount == 1)
        }
    }

    @Test func aHundredConcurrentRequestsWithOneKeyRunTheHandlerOnce() async throws {
        let counting = CountingService()
        try await RunningService.with(counting.definition) { service in
            let key = "burst-\(UUID())"
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 {
                    group.addTask { try await Self.order(service, key: key, query: "?sleep=0.2").status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(counting.callCount == 1)
            #expect(statuses.filter { $0 == 201 }.count >= 1)
            #expect(statuses.allSatisfy { $0 == 201 || $0 == 409 }, "\(Set(statuses))")
        }
    }

    @Test func twoInstancesOnOneRedisShareKeys() async throws {
        let counting = CountingService()
        try await RunningService.with(counting.definition) { first in
            try await RunningService.with(counting.definition) { second in
                let key = "shared-\(UUID())"
                let original = try await Self.order(first, key: key)
                let replay = try await Self.order(second, key: key)
                #expect(replay.header("Idempotent-Replayed") == "true")
                #expect(replay.body == original.body)
                #expect(counting.callCount == 1)
            }
        }
    }

    @Test func aKeyIsUsableAgainAfterItsTTL() async throws {
        let counting = CountingService()
        // Long enough that a loaded machine still sends the second request within it.
        try await RunningService.with(counting.definition, settings: ["IDEMPOTENCY_TTL_SECONDS": "3"]) { service in
            let key = "ttl-\(UUID())"
            #expect(try await Self.order(service, key: key).status == 201)
            #expect(try await Self.order(service, key: key, body: "{}").status == 422)
            try await Task.sleep(for: .milliseconds(3200))
            let again = try await Self.order(service, key: key, body: "{}")
            #expect(again.status == 201)
            #expect(again.header("Idempotent-Replayed") == nil)
            #expect(counting.callCount == 2)
        }
    }

    @Test func aServerErrorIsNotStoredSoTheClientCanRetry() async throws {
        let counting = CountingService()
        try await RunningService.with(counting.definition) { service in
            let key = "flaky-\(UUID())"
            #expect(try await service.send(.POST, "/v1/flaky", headers: [("Idempotency-Key", key)]).status == 503)
            let retry = try await service.send(.POST, "/v1/flaky", headers: [("Idempotency-Key", key)])
            #expect(retry.status == 201)
            #expect(retry.header("Idempotent-Replayed") == nil)
            #expect(try await service.send(.POST, "/v1/flaky", headers: [("Idempotency-Key", key)]).header("Idempotent-Replayed") == "true")
            #expect(counting.callCount == 2)
        }
    }

    @Test(arguments: [String(repeating: "x", count: 256), "tab\there", "é-accent"])
    func anUnacceptableKeyIs400(key: String) async throws {
        let counting = CountingService()
        try await RunningService.with(counting.definition) { service in
            let response = try await Self.order(service, key: key)
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(counting.callCount == 0)
        }
    }

    @Test func keysLiveInTheServiceNamespaceInRedis() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let counting = CountingService()
        try await RunningService.with(counting.definition, settings: ["REDIS_URL": redis.url]) { service in
            let key = "ns-\(UUID())"
            _ = try await Self.order(service, key: key)
            let stored = try await redis.cli(["GET", "idem:counting:\(key)"])
            #expect(stored.hasPrefix("v1 done "))
            let ttl = Int(try await redis.cli(["TTL", "idem:counting:\(key)"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            #expect((590...600).contains(ttl))
        }
        await redis.kill()
    }

    @Test func aRedisOutageFallsBackToMemoryAndRecovers() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let counting = CountingService()
        try await RunningService.with(counting.definition, settings: ["REDIS_URL": redis.url]) { service in
            #expect(try await Self.order(service, key: "before-\(UUID())").status == 201)
            await redis.kill()

            let key = "during-\(UUID())"
            let first = try await Self.order(service, key: key)
            #expect(first.status == 201)
            let replay = try await Self.order(service, key: key)
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.body == first.body)
            #expect(try await service.send(.GET, "/health").json["status"] as? String == "degraded")
            #expect(service.logs.all.filter { $0.contains("idempotency continues in memory") }.count == 1)

            try await redis.start()
            let deadline = ContinuousClock.now + .seconds(15)
            let after = "after-\(UUID())"
            var landedInRedis = false
            while !landedInRedis, ContinuousClock.now < deadline {
                _ = try await Self.order(service, key: after)
                landedInRedis = try await redis.cli(["EXISTS", "idem:counting:\(after)"]).contains("1")
                if !landedInRedis { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(landedInRedis)
            #expect(service.logs.all.contains { $0.contains("idempotency is back on redis") })
        }
        await redis.kill()
    }

    @Test func aFrozenRedisDelaysNoRequestPastTheCommandTimeout() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let counting = CountingService()
        try await RunningService.with(counting.definition, settings: ["REDIS_URL": redis.url, "REDIS_COMMAND_TIMEOUT_SECONDS": "0.5"]) { service in
            #expect(try await Self.order(service, key: "warm-\(UUID())").status == 201)
            redis.freeze()
            defer { redis.thaw() }
            for _ in 0..<3 {
                let start = ContinuousClock.now
                let response = try await Self.order(service, key: "frozen-\(UUID())")
                let elapsed = ContinuousClock.now - start
                #expect(response.status == 201)
                // Claim, complete, and the rate limiter: each Redis call is cut at 0.5 s, so 1.5 s
                // and a loaded machine's slack; a frozen Redis uncut would hold it until thawed.
                #expect(elapsed < .seconds(3), "took \(elapsed)")
            }
        }
        await redis.kill()
    }
}
