import Foundation
import ServiceKit
import Testing

/// Values from configuration that do not fit the types they become are refused by name,
/// never a trap.
@Suite struct OutOfRangeInputTests {
    @Test(arguments: ["1e300", "inf", "nan", "-1", "0", "31536001"])
    func aSecondsSettingOutOfRangeIsAConfigErrorNamingIt(value: String) {
        #expect(throws: ConfigError(name: "DB_QUERY_TIMEOUT_SECONDS", reason: "expected a positive number of seconds up to 31536000, got \"\(value)\" from the environment")) {
            try Config(environment: ["DB_QUERY_TIMEOUT_SECONDS": value]).seconds("DB_QUERY_TIMEOUT_SECONDS", default: 5)
        }
    }

    @Test func aRateLimitRouteWithAnInvalidMethodIsAConfigError() throws {
        let definition = ServiceDefinition(name: "fixture", defaultPort: 0, addRoutes: { _ in })
        do {
            _ = try ServiceSettings(for: definition, config: Config(environment: ["RATE_LIMIT_ENDPOINTS": "G(T /v1/x=1/minute", "SECRETS_DIR": "/nonexistent"]))
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
}
