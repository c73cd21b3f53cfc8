import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import ServiceKit
import ServiceKitHTTPClient
import TestSupport
import Testing

/// The resilience policy against a real HTTP server on loopback standing in for a provider.
@Suite struct ResilienceTests {
    /// A provider whose behaviour the test switches, counting the calls that reach it.
    final class FakeProvider: Sendable {
        let hits = NIOLockedValueBox(0)
        let failing = NIOLockedValueBox(true)
        let limitedOnce = NIOLockedValueBox(true)

        var definition: ServiceDefinition {
            let (hits, failing, limitedOnce) = (self.hits, self.failing, self.limitedOnce)
            return ServiceDefinition(
                name: "provider",
                defaultPort: 0,
                addRoutes: { routes in
                    routes.post("/flaky", summary: "500 while failing.", responses: [.ok: "Accepted."]) { _, _ in
                        hits.withLockedValue { $0 += 1 }
                        return Response(status: failing.withLockedValue { $0 } ? .internalServerError : .ok)
                    }
                    routes.post("/hang", summary: "Answers long after any attempt's timeout.", responses: [.ok: "Late."]) { _, _ in
                        hits.withLockedValue { $0 += 1 }
                        try await Task.sleep(for: .seconds(3))
                        return Response(status: .ok)
                    }
                    routes.post("/limited", summary: "429 once, then 200.", responses: [.ok: "Accepted."]) { _, _ in
                        hits.withLockedValue { $0 += 1 }
                        let limited = limitedOnce.withLockedValue { value in
                            defer { value = false }
                            return value
                        }
                        return Response(status: limited ? .tooManyRequests : .ok, headers: limited ? [.retryAfter: "1"] : [:])
                    }
                    routes.get("/echo-headers", summary: "Echoes correlation headers.", responses: [.ok: "Them."]) { request, _ in
                        "\(request.headers[.requestID] ?? "-") \(request.headers[.traceparent] ?? "-")"
                    }
                    routes.post("/reject", summary: "400 always.", responses: [.badRequest: "Rejected."]) { _, _ in
                        hits.withLockedValue { $0 += 1 }
                        return Response(status: .badRequest)
                    }
                }
            )
        }
    }

    static func call(_ policy: ResiliencePolicy, _ url: String) async throws -> Int {
        try await policy.execute { _ in
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            return try await OutboundHTTP().send(request, timeout: .seconds(30)).requireSuccess().status
        }
    }

    @Test func theBreakerOpensFailsFastAndAProbeClosesIt() async throws {
        let provider = FakeProvider()
        try await RunningService.with(provider.definition) { (service: RunningService) async throws in
            let metrics = ServiceMetrics(service: "integrations")
            let settings = ResilienceSettings(
                maxAttempts: 1,
                baseDelay: .milliseconds(10),
                attemptTimeout: .seconds(2),
                totalBudget: .seconds(5),
                breakerMaxFailures: 3,
                breakerWindow: .seconds(60),
                breakerOpenDuration: .milliseconds(500)
            )
            let policy = ResiliencePolicy(provider: "slack", settings: settings, metrics: metrics)
            for _ in 0..<3 {
                await #expect(throws: ProviderCallError.self) { try await Self.call(policy, service.baseURL + "/flaky") }
            }
            #expect(policy.breaker.currentState == .open)
            #expect(provider.hits.withLockedValue { $0 } == 3)

            // Open: refused without a network call.
            do {
                _ = try await Self.call(policy, service.baseURL + "/flaky")
                Issue.record("an open breaker let a call through")
            } catch let error as ProviderCallError {
                guard case .circuitOpen = error else {
                    Issue.record("expected circuitOpen, got \(error)")
                    return
                }
            }
            #expect(provider.hits.withLockedValue { $0 } == 3)

            // Half-open after the cool-down: one probe; the provider has recovered, so it closes.
            provider.failing.withLockedValue { $0 = false }
            try await Task.sleep(for: .milliseconds(600))
            #expect(policy.breaker.currentState == .halfOpen)
            #expect(try await Self.call(policy, service.baseURL + "/flaky") == 200)
            #expect(policy.breaker.currentState == .closed)

            let text = String(decoding: metrics.exposition(), as: UTF8.self)
            #expect(text.contains("integrations_provider_cb_open_total{service=\"slack\"} 1"))
            #expect(text.contains("integrations_provider_circuit_state{service=\"slack\"} 0.0"))
            #expect(text.contains("integrations_provider_latency_seconds_count{service=\"slack\"} 5"))
        }
    }

    @Test func aFailedProbeOpensTheBreakerAgain() {
        let breaker = CircuitBreaker(name: "p", maxFailures: 2, window: .seconds(60), openDuration: .zero)
        breaker.recordFailure()
        #expect(breaker.recordFailure())
        #expect(breaker.currentState == .halfOpen)
        #expect(throws: Never.self) { try breaker.acquire() }
        // A second caller does not get a probe while the first is out.
        #expect(throws: CircuitBreaker.OpenError.self) { try breaker.acquire() }
        #expect(breaker.recordFailure())
        #expect(breaker.openCount == 2)
    }

    @Test func failuresOutsideTheWindowDoNotOpenIt() async throws {
        let breaker = CircuitBreaker(name: "p", maxFailures: 2, window: .milliseconds(100), openDuration: .seconds(60))
        breaker.recordFailure()
        try await Task.sleep(for: .milliseconds(150))
        #expect(!breaker.recordFailure())
        #expect(breaker.currentState == .closed)
    }

    @Test func aHangingProviderIsCutAtEachAttemptAndTheWholeCallAtItsBudget() async throws {
        let provider = FakeProvider()
        try await RunningService.with(provider.definition, settings: ["REQUEST_TIMEOUT_SECONDS": "60"]) { (service: RunningService) async throws in
            let settings = ResilienceSettings(
                maxAttempts: 5,
                baseDelay: .milliseconds(50),
                attemptTimeout: .seconds(1),
                totalBudget: .milliseconds(2500),
                breakerMaxFailures: 100
            )
            let policy = ResiliencePolicy(provider: "webhook", settings: settings, metrics: ServiceMetrics(service: "integrations"))
            let attempts = NIOLockedValueBox(0)
            let start = ContinuousClock.now
            await #expect(throws: ProviderCallError.self) {
                try await policy.execute { _ in
                    attempts.withLockedValue { $0 += 1 }
                    var request = HTTPClientRequest(url: service.baseURL + "/hang")
                    request.method = .POST
                    return try await OutboundHTTP().send(request, timeout: .seconds(30)).requireSuccess().status
                }
            }
            let elapsed = ContinuousClock.now - start
            // Two attempts cut at 1 s each, a third cut by the 2.5 s budget: never much past it
            // (a loaded machine gets a second to notice; uncut, the call would take 30 s).
            #expect(elapsed < .milliseconds(3500), "took \(elapsed)")
            #expect(elapsed >= .seconds(2))
            #expect(attempts.withLockedValue { $0 } >= 2)
        }
    }

    @Test func aRefusedConnectionFailsItsAttemptInsteadOfHoldingItForItsTimeout() async throws {
        let closed = try freePort()
        let start = ContinuousClock.now
        await #expect(throws: (any Error).self) {
            try await OutboundHTTP().send(HTTPClientRequest(url: "http://127.0.0.1:\(closed)/"), timeout: .seconds(30))
        }
        let elapsed = ContinuousClock.now - start
        // The connect gives up after 2 s; held for the attempt's timeout it would take 30 s.
        #expect(elapsed < .seconds(6), "took \(elapsed)")
    }

    @Test func retryAfterIsHonouredAndThenTheCallSucceeds() async throws {
        let provider = FakeProvider()
        try await RunningService.with(provider.definition) { (service: RunningService) async throws in
            let metrics = ServiceMetrics(service: "integrations")
            // Attempts get long timeouts: on a loaded machine a cut attempt would be retried
            // and muddle the count of hits this test is about.
            let settings = ResilienceSettings(maxAttempts: 3, baseDelay: .milliseconds(10), attemptTimeout: .seconds(10), totalBudget: .seconds(20))
            let policy = ResiliencePolicy(provider: "pagerduty", settings: settings, metrics: metrics)
            let start = ContinuousClock.now
            #expect(try await Self.call(policy, service.baseURL + "/limited") == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(950))
            #expect(provider.hits.withLockedValue { $0 } == 2)
            #expect(policy.breaker.currentState == .closed)
            #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains("integrations_provider_retries_total{service=\"pagerduty\"} 1"))
        }
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let provider = FakeProvider()
        try await RunningService.with(provider.definition) { (service: RunningService) async throws in
            let policy = ResiliencePolicy(
                provider: "slack",
                settings: ResilienceSettings(maxAttempts: 3, baseDelay: .milliseconds(10)),
                metrics: ServiceMetrics(service: "integrations")
            )
            do {
                _ = try await Self.call(policy, service.baseURL + "/reject")
                Issue.record("a 400 succeeded")
            } catch let error as ProviderCallError {
                #expect(!error.isRetryableLater)
            }
            #expect(provider.hits.withLockedValue { $0 } == 1)
        }
    }

    @Test func theRetryBudgetCapsRetriesDuringAnOutage() {
        let budget = RetryBudget(ratio: 0.1, minimumPerWindow: 2, window: .seconds(10))
        for _ in 0..<10 { budget.recordCall() }
        // 2 + 0.1 × 10 = 3 retries, no more.
        #expect((0..<5).map { _ in budget.withdraw() } == [true, true, true, false, false])
    }

    @Test func settingsComeFromConfigurationWithPerProviderTimeouts() throws {
        let config = Config(environment: [
            "TIMEOUT_SLACK_SECONDS": "2", "PROVIDER_TIMEOUT_DEFAULT_SECONDS": "7", "RETRY_MAX_ATTEMPTS": "4", "CB_MAX_FAILURES": "9",
        ])
        let slack = try ResilienceSettings(provider: "slack", config: config)
        let webhook = try ResilienceSettings(provider: "webhook", config: config)
        #expect(slack.attemptTimeout == .seconds(2))
        #expect(webhook.attemptTimeout == .seconds(7))
        #expect(slack.maxAttempts == 4)
        #expect(slack.breakerMaxFailures == 9)
        #expect(slack.totalBudget == .seconds(10))
        #expect(throws: ConfigError.self) { try ResilienceSettings(provider: "x", config: Config(environment: ["RETRY_BUDGET_RATIO": "2"])) }
    }

    @Test func outboundCallsCarryTheRequestIDAndContinueTheTrace() async throws {
        let provider = FakeProvider()
        try await RunningService.with(provider.definition) { (service: RunningService) async throws in
            let trace = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
            let reply = try await RequestID.$current.withValue("req-outbound-1") {
                try await TraceContext.$current.withValue(trace) {
                    try await OutboundHTTP().send(HTTPClientRequest(url: service.baseURL + "/echo-headers"), timeout: .seconds(5))
                }
            }
            let parts = reply.text.split(separator: " ")
            #expect(parts.first == "req-outbound-1")
            let sent = try #require(TraceContext(traceparent: String(parts.last ?? "")))
            #expect(sent.traceID == trace.traceID)
            #expect(sent.spanID != trace.spanID)

            // Outside a request: no request id, and a trace of its own.
            let bare = try await OutboundHTTP().send(HTTPClientRequest(url: service.baseURL + "/echo-headers"), timeout: .seconds(5))
            #expect(bare.text.hasPrefix("- 00-"))
        }
    }

    @Test func traceContextParsesAndContinuesTraces() throws {
        let parent = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        let child = parent.child()
        #expect(child.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(child.spanID != parent.spanID)
        #expect(child.traceparent.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-"))
        #expect(child.traceparent.hasSuffix("-01"))
        for bad in [
            "", "00-xyz-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        ] {
            #expect(TraceContext(traceparent: bad) == nil)
        }
        #expect(TraceContext.start().traceparent.count == 55)
    }
}
