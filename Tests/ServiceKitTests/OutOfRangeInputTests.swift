import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import ServiceKit
import ServiceKitHTTPClient
import TestSupport
import Testing

/// Values from configuration and from providers that do not fit the types they become are
/// refused by name (configuration) or ignored (a provider's header), never a trap.
@Suite struct OutOfRangeInputTests {
    @Test(arguments: ["1e300", "inf", "nan", "-1", "0", "31536001"])
    func aSecondsSettingOutOfRangeIsAConfigErrorNamingIt(value: String) {
        #expect(
            throws: ConfigError(
                name: "DB_QUERY_TIMEOUT_SECONDS",
                reason: "expected a positive number of seconds up to 31536000, got \"\(value)\" from the environment"
            )
        ) {
            try Config(environment: ["DB_QUERY_TIMEOUT_SECONDS": value]).seconds("DB_QUERY_TIMEOUT_SECONDS", default: 5)
        }
    }

    @Test func aRateLimitRouteWithAnInvalidMethodIsAConfigError() throws {
        let definition = ServiceDefinition(name: "fixture", defaultPort: 0, addRoutes: { _ in })
        do {
            _ = try ServiceSettings(
                for: definition,
                config: Config(environment: ["RATE_LIMIT_ENDPOINTS": "G(T /v1/x=1/minute", "SECRETS_DIR": "/nonexistent"])
            )
            Issue.record("an invalid method was accepted")
        } catch {
            #expect(error.name == "RATE_LIMIT_ENDPOINTS")
        }
    }

    /// `9223372036854775807/second` used to be accepted, and the in-memory limiter (the path
    /// while Redis is down) then trapped turning its remaining count, 2^63, back into an `Int`.
    @Test(arguments: [
        ("RATE_LIMIT_DEFAULT", "9223372036854775807/second"), ("RATE_LIMIT_DEFAULT", "1000000001/day"),
        ("RATE_LIMIT_ENDPOINTS", "GET /v1/x=9223372036854775807/minute"),
    ])
    func aRateLimitCountTooLargeForTheLimiterIsAConfigError(variable: String, value: String) throws {
        let definition = ServiceDefinition(name: "fixture", defaultPort: 0, addRoutes: { _ in })
        do {
            _ = try ServiceSettings(for: definition, config: Config(environment: [variable: value, "SECRETS_DIR": "/nonexistent"]))
            Issue.record("\(value) was accepted")
        } catch {
            #expect(error.name == variable)
            #expect(error.reason.contains("1000000000"), "\(error)")
        }
        #expect(try RateLimit(parsing: "1000000000/second").count == RateLimit.maxCount)
    }

    @Test func retryAfterIsWholeSecondsOrAnHTTPDateAndNothingElse() throws {
        #expect(RetryAfter.parse("3") == .seconds(3))
        #expect(RetryAfter.parse(" 0 ") == .zero)
        for bad in ["inf", "-inf", "nan", "1e300", "-1", "1.5", "", "soon"] {
            #expect(RetryAfter.parse(bad) == nil, "\(bad)")
        }
        #expect(RetryAfter.parse("99999999999999999999999") == RetryAfter.cap)
        let now = try #require(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:50:07 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", now: now) == RetryAfter.cap)
    }

    /// A provider that answers 429 with the `Retry-After` its path names, then 200.
    final class LimitingProvider: Sendable {
        let hits = NIOLockedValueBox(0)

        var definition: ServiceDefinition {
            let hits = self.hits
            return ServiceDefinition(
                name: "provider",
                defaultPort: 0,
                addRoutes: { routes in
                    routes.post("/limited/{value}", summary: "429 on odd calls.", responses: [.ok: "Accepted."]) { _, context in
                        let count = hits.withLockedValue { value in
                            value += 1
                            return value
                        }
                        let value = context.parameters.get("value") ?? ""
                        return Response(status: count % 2 == 1 ? .tooManyRequests : .ok, headers: [.retryAfter: value])
                    }
                }
            )
        }
    }

    @Test(arguments: ["inf", "1e300", "nan", "-5"])
    func aProviderRetryAfterThatIsNoNumberOfSecondsFallsBackToBackoff(value: String) async throws {
        let provider = LimitingProvider()
        try await RunningService.with(provider.definition) { (service: RunningService) async throws in
            let policy = ResiliencePolicy(
                provider: "webhook",
                settings: ResilienceSettings(maxAttempts: 2, baseDelay: .milliseconds(20), totalBudget: .seconds(5)),
                metrics: ServiceMetrics(service: "integrations")
            )
            let status = try await policy.execute { _ in
                var request = HTTPClientRequest(url: service.baseURL + "/limited/\(value)")
                request.method = .POST
                return try await OutboundHTTP().send(request, timeout: .seconds(5)).requireSuccess().status
            }
            #expect(status == 200)
            #expect(provider.hits.withLockedValue { $0 } == 2)
        }
    }

    @Test func aRetryAfterLongerThanTheBudgetEndsTheCallAtOnce() async throws {
        let provider = LimitingProvider()
        try await RunningService.with(provider.definition) { (service: RunningService) async throws in
            // A budget far longer than one call takes, even on a loaded machine: ending well
            // inside it shows the wait was refused up front rather than slept.
            let policy = ResiliencePolicy(
                provider: "webhook",
                settings: ResilienceSettings(maxAttempts: 3, baseDelay: .milliseconds(20), attemptTimeout: .seconds(30), totalBudget: .seconds(30)),
                metrics: ServiceMetrics(service: "integrations")
            )
            let start = ContinuousClock.now
            do {
                _ = try await policy.execute { _ in
                    var request = HTTPClientRequest(url: service.baseURL + "/limited/99999999999999999999")
                    request.method = .POST
                    return try await OutboundHTTP().send(request, timeout: .seconds(5)).requireSuccess().status
                }
                Issue.record("a call told to wait past its budget succeeded")
            } catch let error as ProviderCallError {
                guard case .budgetExhausted = error else {
                    Issue.record("expected budgetExhausted, got \(error)")
                    return
                }
            }
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(provider.hits.withLockedValue { $0 } == 1)
        }
    }
}
