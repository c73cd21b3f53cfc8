import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import ServiceKit
import ServiceKitHTTPClient
import TestSupport
import Testing

/// The caller's deadline: `X-Request-Deadline` (milliseconds left) bounds a request on the
/// way in and is sent on, reduced by the time spent, with every outbound call made inside it.
@Suite struct DeadlineTests {
    /// A service that calls `target` through ``OutboundHTTP`` while handling a request, and a
    /// target that records the header it gets (or hangs).
    final class Relay: Sendable {
        let received = NIOLockedValueBox([String?]())

        var target: ServiceDefinition {
            let received = self.received
            return ServiceDefinition(
                name: "target",
                defaultPort: 0,
                addRoutes: { routes in
                    routes.get("/record", summary: "Records the deadline header.", responses: [.ok: "Recorded."]) { request, _ in
                        received.withLockedValue { $0.append(request.headers[.requestDeadline]) }
                        return "ok"
                    }
                    routes.get("/hang", summary: "Answers after 3 s.", responses: [.ok: "Late."]) { _, _ in
                        try await Task.sleep(for: .seconds(3))
                        return "late"
                    }
                }
            )
        }

        static func relay(to baseURL: String) -> ServiceDefinition {
            ServiceDefinition(
                name: "relay",
                defaultPort: 0,
                addRoutes: { routes in
                    routes.get("/call", summary: "Calls the target's /record.", responses: [.ok: "Its answer."]) { request, _ in
                        let delay = request.uri.queryParameters.get("delay_ms", as: Int.self) ?? 0
                        try await Task.sleep(for: .milliseconds(delay))
                        return try await OutboundHTTP().send(HTTPClientRequest(url: baseURL + "/record"), timeout: .seconds(30)).text
                    }
                }
            )
        }
    }

    @Test func anExpiredDeadlineIsRefusedWith504BeforeTheHandlerRuns() async throws {
        try await RunningService.with(Fixtures.service, settings: ["HEALTH_PROBE_TIMEOUT_SECONDS": "0.2"]) { service in
            for (key, header) in [("expired-zero", "0"), ("expired-negative", "-250")] {
                let response = try await service.send(.GET, "/v1/mark/\(key)", headers: [("X-Request-Deadline", header)])
                #expect(response.status == 504, "\(response.body)")
                #expect(response.header("Content-Type") == "application/problem+json")
                #expect(try response.json["type"] as? String == ProblemType.timeout)
                #expect(!Fixtures.marked.withLockedValue { $0.contains(key) })
            }
            let metrics = try await service.send(.GET, "/metrics").body
            #expect(metrics.contains("fixture_http_errors_total{type=\"timeout\"} 2"))
            // With time left the same route runs.
            #expect(try await service.send(.GET, "/v1/mark/in-time", headers: [("X-Request-Deadline", "5000")]).status == 200)
            #expect(Fixtures.marked.withLockedValue { $0.contains("in-time") })
        }
    }

    @Test func aDeadlineShorterThanTheServiceTimeoutCutsASlowHandler() async throws {
        try await RunningService.with(Fixtures.service, settings: ["REQUEST_TIMEOUT_SECONDS": "60"]) { service in
            let start = ContinuousClock.now
            let response = try await service.send(.GET, "/v1/slow?seconds=30", headers: [("X-Request-Deadline", "800")])
            let elapsed = ContinuousClock.now - start
            #expect(response.status == 504, "\(response.body)")
            #expect(try response.json["type"] as? String == ProblemType.timeout)
            #expect(try (response.json["detail"] as? String)?.contains("X-Request-Deadline") == true)
            // Not before the caller's 800 ms; far sooner than the handler's 30 s or the service's 60 s.
            #expect(elapsed >= .milliseconds(750) && elapsed < .seconds(10), "\(elapsed)")
        }
    }

    @Test func aMalformedDeadlineIsA400NamingTheHeader() async throws {
        try await RunningService.with(Fixtures.service) { service in
            for (key, bad) in [
                ("bad-1", "soon"), ("bad-2", "1.5"), ("bad-3", "+100"), ("bad-4", "1500ms"), ("bad-5", String(repeating: "9", count: 13)),
                ("bad-6", "-"),
            ] {
                let response = try await service.send(.GET, "/v1/mark/\(key)", headers: [("X-Request-Deadline", bad)])
                #expect(response.status == 400, "\(bad): \(response.body)")
                let problem = try response.json
                #expect(problem["type"] as? String == ProblemType.invalidHeader)
                #expect((problem["detail"] as? String)?.contains("X-Request-Deadline") == true)
                #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "X-Request-Deadline")
                #expect(!Fixtures.marked.withLockedValue { $0.contains(key) })
            }
        }
    }

    @Test func outboundCallsCarryNoMoreThanTheTimeLeft() async throws {
        let relay = Relay()
        try await RunningService.with(relay.target) { target in
            try await RunningService.with(Relay.relay(to: target.baseURL), settings: ["REQUEST_TIMEOUT_SECONDS": "5"]) { service in
                // The caller's 3000 ms, less the 300 ms the handler waited before calling.
                #expect(try await service.send(.GET, "/call?delay_ms=300", headers: [("X-Request-Deadline", "3000")]).status == 200)
                // Without a header the service's own 5 s bound the request.
                #expect(try await service.send(.GET, "/call").status == 200)
                // Outside any request nothing is sent.
                _ = try await OutboundHTTP().send(HTTPClientRequest(url: target.baseURL + "/record"), timeout: .seconds(5))
                let received = relay.received.withLockedValue { $0 }
                #expect(received.count == 3)
                let withCaller = try #require(received.first.flatMap { $0 }.flatMap { Int($0) })
                #expect(withCaller > 0 && withCaller <= 2700, "\(received)")
                let ownTimeout = try #require(received.dropFirst().first.flatMap { $0 }.flatMap { Int($0) })
                #expect(ownTimeout > 0 && ownTimeout <= 5000, "\(received)")
                #expect(received.last == .some(nil))
            }
        }
    }

    @Test func attemptsThroughAPolicyEndWithTheRequestsDeadline() async throws {
        let relay = Relay()
        try await RunningService.with(relay.target) { target in
            let policy = ResiliencePolicy(
                provider: "target",
                settings: ResilienceSettings(maxAttempts: 3, baseDelay: .milliseconds(10), attemptTimeout: .seconds(20), totalBudget: .seconds(60)),
                metrics: ServiceMetrics(service: "relay")
            )
            let start = ContinuousClock.now
            // Attempts of up to 20 s each, in a request with 800 ms left: the call gives up with the request.
            await #expect(throws: ProviderCallError.self) {
                try await RequestDeadline.$current.withValue(.now + .milliseconds(800)) {
                    try await policy.execute { _ in
                        try await OutboundHTTP().send(HTTPClientRequest(url: target.baseURL + "/hang"), timeout: .seconds(20)).requireSuccess()
                    }
                }
            }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(750) && elapsed < .seconds(10), "\(elapsed)")
        }
    }
}
