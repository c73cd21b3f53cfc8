import Foundation
import ServiceKit
import TestSupport
import Testing

@Suite struct RateLimitTests {
    @Test func limitStringsParse() throws {
        #expect(try RateLimit.list(parsing: "10/second;500/hour").map(\.description) == ["10/second", "500/hour"])
        #expect(try RateLimit(parsing: "3/minutes").period == .seconds(60))
        #expect(try RateLimit(parsing: "1/day").period == .seconds(86400))
        for bad in ["", "ten/minute", "0/minute", "5/fortnight", "5", "-1/second"] {
            #expect(throws: RateLimitSyntaxError.self, "\(bad)") { try RateLimit.list(parsing: bad) }
        }
        let endpoints = try RateLimit.endpoints(parsing: "POST /v1/audio=10/minute;100/hour;GET /v1/jobs/{id}/events=30/minute")
        #expect(endpoints[RouteKey(.post, "/v1/audio")]?.map(\.description) == ["10/minute", "100/hour"])
        #expect(endpoints[RouteKey(.get, "/v1/jobs/{id}/events")]?.map(\.description) == ["30/minute"])
        #expect(throws: RateLimitSyntaxError.self) { try RateLimit.endpoints(parsing: "10/minute") }
        #expect(throws: ConfigError.self) {
            try ServiceSettings(for: ServiceDefinition(name: "t", defaultPort: 1), config: Config(environment: ["RATE_LIMIT_DEFAULT": "lots"]))
        }
    }

    @Test func overTheLimitIs429WithRetryAfterAndHeaders() async throws {
        let counting = CountingService.isolated()
        try await RunningService.with(counting.definition) { (service: RunningService) async throws in
            var remaining: [String] = []
            for _ in 0..<3 {
                let response = try await service.send(.POST, "/v1/limited")
                #expect(response.status == 200)
                #expect(response.header("RateLimit-Limit") == "3")
                remaining.append(response.header("RateLimit-Remaining") ?? "?")
                #expect(Int(response.header("RateLimit-Reset") ?? "") != nil)
            }
            #expect(remaining == ["2", "1", "0"])
            let refused = try await service.send(.POST, "/v1/limited")
            #expect(refused.status == 429)
            #expect(refused.header("Content-Type") == "application/problem+json")
            let retryAfter = try #require(Int(refused.header("Retry-After") ?? ""))
            #expect((1...20).contains(retryAfter))
            #expect(refused.header("RateLimit-Remaining") == "0")
            #expect(try await service.send(.GET, "/metrics").body.contains("\(counting.name)_rate_limited_requests_total 1"))
        }
    }

    @Test func probesAndMetricsAreExempt() async throws {
        try await RunningService.with(CountingService.isolated().definition, settings: ["RATE_LIMIT_DEFAULT": "1/minute"]) {
            (service: RunningService) async throws in
            #expect(try await service.send(.GET, "/v1/default").status == 200)
            #expect(try await service.send(.GET, "/v1/default").status == 429)
            for _ in 0..<5 {
                for path in ["/health", "/ready", "/metrics"] {
                    let response = try await service.send(.GET, path)
                    #expect(response.status != 429)
                    #expect(response.header("RateLimit-Limit") == nil)
                }
            }
        }
    }

    @Test func configurationOverridesALimitDeclaredInCode() async throws {
        try await RunningService.with(CountingService.isolated().definition, settings: ["RATE_LIMIT_ENDPOINTS": "POST /v1/limited=1/minute"]) {
            (service: RunningService) async throws in
            #expect(try await service.send(.POST, "/v1/limited").header("RateLimit-Limit") == "1")
            #expect(try await service.send(.POST, "/v1/limited").status == 429)
        }
    }

    @Test func twoInstancesShareOneLimit() async throws {
        let counting = CountingService.isolated()
        try await RunningService.with(counting.definition, settings: ["TRUSTED_PROXIES": "127.0.0.1"]) { (first: RunningService) async throws in
            try await RunningService.with(counting.definition, settings: ["TRUSTED_PROXIES": "127.0.0.1"]) { (second: RunningService) async throws in
                let client = [("X-Forwarded-For", "203.0.113.\(Int.random(in: 1...250))")]
                #expect(try await first.send(.POST, "/v1/limited", headers: client).status == 200)
                #expect(try await second.send(.POST, "/v1/limited", headers: client).status == 200)
                #expect(try await first.send(.POST, "/v1/limited", headers: client).status == 200)
                #expect(try await second.send(.POST, "/v1/limited", headers: client).status == 429)
            }
        }
    }

    @Test func forwardedForCountsOnlyFromTrustedProxies() async throws {
        try await RunningService.with(CountingService.isolated().definition, settings: ["TRUSTED_PROXIES": "127.0.0.1"]) {
            (trusting: RunningService) async throws in
            // Behind a trusted proxy, each forwarded client has its own budget.
            for client in 0..<4 {
                #expect(
                    try await trusting.send(.POST, "/v1/limited", headers: [("X-Forwarded-For", "198.51.100.\(client), 127.0.0.1")]).status == 200
                )
            }
        }
        try await RunningService.with(CountingService.isolated().definition) { (untrusting: RunningService) async throws in
            // From an untrusted peer the header is ignored: all four share the peer's budget.
            var statuses: [Int] = []
            for client in 0..<4 {
                statuses.append(try await untrusting.send(.POST, "/v1/limited", headers: [("X-Forwarded-For", "198.51.100.\(client)")]).status)
            }
            #expect(statuses == [200, 200, 200, 429])
        }
    }

    @Test func anAuthenticatedKeyHasItsOwnBucket() async throws {
        try await RunningService.with(CountingService.isolated().definition, settings: ["AUTH_ENABLED": "1", "SERVICE_API_KEY": "rate-key"]) {
            (service: RunningService) async throws in
            for _ in 0..<3 {
                #expect(try await service.send(.POST, "/v1/limited", headers: [("X-API-Key", "rate-key")]).status == 200)
            }
            #expect(try await service.send(.POST, "/v1/limited", headers: [("Authorization", "Bearer rate-key")]).status == 429)
            // Unauthenticated requests never reach the limiter's count.
            #expect(try await service.send(.POST, "/v1/limited").status == 401)
        }
    }

    @Test func limitsHoldInMemoryWhileRedisIsDown() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        try await RunningService.with(CountingService.isolated().definition, settings: ["REDIS_URL": redis.url]) {
            (service: RunningService) async throws in
            await redis.kill()
            let statuses = try await (0..<4).asyncMap { _ in try await service.send(.POST, "/v1/limited").status }
            #expect(statuses == [200, 200, 200, 429])
            #expect(service.logs.all.filter { $0.contains("rate limiting continues in memory") }.count == 1)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
