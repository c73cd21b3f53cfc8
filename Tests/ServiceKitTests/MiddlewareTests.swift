import AsyncHTTPClient
import Foundation
import NIOCore
import ServiceKit
import TestSupport
import Testing

@Suite struct MiddlewareTests {
    static let securityHeaders = [
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    ]

    @Test func securityHeadersAndRequestIDOnSuccessAndErrors() async throws {
        try await RunningService.with(Fixtures.service, settings: ["AUTH_ENABLED": "1", "SERVICE_API_KEY": "k"]) { service in
            let responses = [
                try await service.send(.GET, "/health"),
                try await service.send(.GET, "/v1/nope", headers: [("X-API-Key", "k")]),
                try await service.send(.GET, "/v1/items/1"),
                try await service.send(.GET, "/v1/boom", headers: [("X-API-Key", "k")]),
            ]
            #expect(responses.map(\.status) == [200, 404, 401, 500])
            for response in responses {
                for (name, value) in Self.securityHeaders {
                    #expect(response.header(name) == value, "\(name) on \(response.status)")
                }
                let id = try #require(response.header("X-Request-ID"))
                #expect(RequestID.isAcceptable(id))
            }
        }
    }

    @Test func requestIDIsEchoedWhenSaneAndReplacedOtherwise() async throws {
        try await RunningService.with(Fixtures.service) { service in
            let kept = try await service.send(.GET, "/v1/items/7", headers: [("X-Request-ID", "client-1.a_b")])
            #expect(kept.header("X-Request-ID") == "client-1.a_b")

            for bad in ["has space", String(repeating: "a", count: 129), "semi;colon", ""] {
                let response = try await service.send(.GET, "/v1/items/7", headers: [("X-Request-ID", bad)])
                let id = try #require(response.header("X-Request-ID"))
                #expect(id != bad)
                #expect(RequestID.isAcceptable(id))
            }
            let generated = try await service.send(.GET, "/v1/nope")
            let problem = try generated.json
            #expect(problem["instance"] as? String == generated.header("X-Request-ID"))
            // The access log line carries the same id and the route template.
            let entry = service.logs.entries.first { $0["msg"] as? String == "request" && $0["request_id"] as? String == "client-1.a_b" }
            #expect(entry?["path"] as? String == "/v1/items/{id}")
            #expect(entry?["status"] as? Int == 200)
            #expect(entry?["method"] as? String == "GET")
            #expect(entry?["duration_ms"] is Double)

            // An incoming traceparent's trace reaches the request's log lines.
            _ = try await service.send(
                .GET,
                "/v1/items/8",
                headers: [("X-Request-ID", "traced-1"), ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
            )
            let traced = service.logs.entries.first { $0["request_id"] as? String == "traced-1" }
            #expect(traced?["trace_id"] as? String == "0af7651916cd43dd8448eb211c80319c")
        }
    }

    @Test func corsAllowsListedOriginsAndDeniesTheRest() async throws {
        try await RunningService.with(Fixtures.service, settings: ["CORS_ALLOW_ORIGINS": "https://app.example, https://admin.example"]) { service in
            let allowed = try await service.send(.GET, "/v1/items/1", headers: [("Origin", "https://app.example")])
            #expect(allowed.header("Access-Control-Allow-Origin") == "https://app.example")
            #expect(allowed.header("Vary") == "Origin")

            let denied = try await service.send(.GET, "/v1/items/1", headers: [("Origin", "https://evil.example")])
            #expect(denied.header("Access-Control-Allow-Origin") == nil)

            let preflight = try await service.send(
                .OPTIONS,
                "/v1/echo",
                headers: [
                    ("Origin", "https://admin.example"), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "content-type"),
                ]
            )
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "https://admin.example")
            #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(preflight.header("Access-Control-Allow-Headers") == "content-type")

            let refused = try await service.send(
                .OPTIONS,
                "/v1/echo",
                headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")]
            )
            #expect(refused.status == 403)
            #expect(refused.header("Access-Control-Allow-Origin") == nil)
            #expect(refused.header("Content-Type") == "application/problem+json")
        }
    }

    @Test func corsDeniesEveryOriginByDefault() async throws {
        try await RunningService.with(Fixtures.service) { service in
            let preflight = try await service.send(
                .OPTIONS,
                "/v1/echo",
                headers: [("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST")]
            )
            #expect(preflight.status == 403)
            let simple = try await service.send(.GET, "/v1/items/1", headers: [("Origin", "https://app.example")])
            #expect(simple.status == 200)
            #expect(simple.header("Access-Control-Allow-Origin") == nil)
        }
    }

    @Test func bodyLimitRefusesLargeBodiesWithAndWithoutContentLength() async throws {
        try await RunningService.with(Fixtures.service, settings: ["MAX_REQUEST_BYTES": "1024"]) { service in
            let small = try await service.send(.POST, "/v1/count", body: String(repeating: "a", count: 1000))
            #expect(small.status == 200)
            #expect(small.body == "1000")

            let declared = try await service.send(.POST, "/v1/count", body: String(repeating: "a", count: 5000))
            #expect(declared.status == 413)
            #expect(declared.header("Content-Type") == "application/problem+json")
            #expect(try declared.json["status"] as? Int == 413)

            // Chunked: no Content-Length, the limit is found while reading.
            let chunks = (0..<10).map { _ in ByteBuffer(repeating: UInt8(ascii: "b"), count: 500) }
            let chunked = try await TestHTTPResponse.send(.POST, service.baseURL + "/v1/count", body: .stream(chunks.async, length: .unknown))
            #expect(chunked.status == 413)
            #expect(try chunked.json["type"] as? String == ProblemType.bodyTooLarge)

            // A route that declares its own, larger limit.
            let larger = try await service.send(.POST, "/v1/upload", body: String(repeating: "c", count: 3000))
            #expect(larger.status == 200)
            #expect(larger.body == "3000")
            let tooLargeEvenThere = try await service.send(.POST, "/v1/upload", body: String(repeating: "c", count: 5000))
            #expect(tooLargeEvenThere.status == 413)
        }
    }

    @Test func authRequiresTheKeyInEitherHeaderButNotForProbes() async throws {
        try await RunningService.with(Fixtures.service, settings: ["AUTH_ENABLED": "1", "SERVICE_API_KEY": "s3cret-key"]) { service in
            let none = try await service.send(.GET, "/v1/items/1")
            #expect(none.status == 401)
            #expect(none.header("WWW-Authenticate") == "Bearer")
            #expect(none.header("Content-Type") == "application/problem+json")
            #expect(try await service.send(.GET, "/v1/items/1", headers: [("Authorization", "Bearer wrong")]).status == 401)
            #expect(try await service.send(.GET, "/v1/items/1", headers: [("X-API-Key", "s3cret-ke")]).status == 401)
            #expect(try await service.send(.GET, "/v1/items/1", headers: [("Authorization", "Basic czNjcmV0LWtleQ==")]).status == 401)

            #expect(try await service.send(.GET, "/v1/items/1", headers: [("Authorization", "Bearer s3cret-key")]).status == 200)
            #expect(try await service.send(.GET, "/v1/items/1", headers: [("X-API-Key", "s3cret-key")]).status == 200)
            // A wrong key is refused even beside the right one.
            #expect(
                try await service.send(.GET, "/v1/items/1", headers: [("X-API-Key", "s3cret-key"), ("Authorization", "Bearer wrong")]).status == 401
            )
            #expect(
                try await service.send(.GET, "/v1/items/1", headers: [("X-API-Key", "wrong"), ("Authorization", "Bearer s3cret-key")]).status == 401
            )
            #expect(
                try await service.send(.GET, "/v1/items/1", headers: [("X-API-Key", "s3cret-key"), ("Authorization", "Basic czNjcmV0LWtleQ==")])
                    .status == 401
            )

            for open in ["/health", "/metrics"] {
                #expect(try await service.send(.GET, open).status == 200, "\(open)")
            }
            #expect(try await service.send(.GET, "/ready").status != 401)
            #expect(try await service.send(.GET, "/openapi.json").status == 401)
            #expect(!service.logs.all.joined().contains("s3cret-key"))
        }
    }

    @Test func slowRequestsTimeOutWith504() async throws {
        // /metrics refreshes the dependency probes, so they must fit in the request timeout too.
        try await RunningService.with(Fixtures.service, settings: ["REQUEST_TIMEOUT_SECONDS": "1", "HEALTH_PROBE_TIMEOUT_SECONDS": "0.2"]) {
            service in
            let start = ContinuousClock.now
            // A handler that would take 30 s: answering in well under that is the timeout at work.
            let response = try await service.send(.GET, "/v1/slow?seconds=30")
            #expect(response.status == 504)
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(try response.json["type"] as? String == ProblemType.timeout)
            #expect(try await service.send(.GET, "/v1/slow?seconds=0.1").status == 200)
            let metrics = try await service.send(.GET, "/metrics").body
            #expect(metrics.contains("fixture_http_errors_total{type=\"timeout\"} 1"))
        }
    }

    @Test func aRouteWithATimeoutOfItsOwnOutlastsTheDefault() async throws {
        try await RunningService.with(Fixtures.service, settings: ["REQUEST_TIMEOUT_SECONDS": "1", "HEALTH_PROBE_TIMEOUT_SECONDS": "0.2"]) {
            service in
            let cut = try await service.send(.GET, "/v1/slow?seconds=2")
            #expect(cut.status == 504)
            let patient = try await service.send(.GET, "/v1/patient?seconds=2")
            #expect(patient.status == 200)
            let start = ContinuousClock.now
            let tooSlow = try await service.send(.GET, "/v1/patient?seconds=30")
            #expect(tooSlow.status == 504)
            #expect(ContinuousClock.now - start < .seconds(10))
        }
    }

    @Test func errorsAreProblemDocuments() async throws {
        try await RunningService.with(Fixtures.service) { service in
            let json = [("Content-Type", "application/json")]
            let ok = try await service.send(.POST, "/v1/echo", headers: json, body: #"{"name":"a","count":2}"#)
            #expect(ok.status == 200)

            let malformed = try await service.send(.POST, "/v1/echo", headers: json, body: #"{"name": "a", "#)
            #expect(malformed.status == 422)
            #expect(malformed.header("Content-Type") == "application/problem+json")
            #expect(try Self.fields(malformed) == ["body"])

            let missing = try await service.send(.POST, "/v1/echo", headers: json, body: #"{"name":"a"}"#)
            #expect(missing.status == 422)
            #expect(try Self.fields(missing) == ["count"])

            let mistyped = try await service.send(.POST, "/v1/echo", headers: json, body: #"{"name":"a","count":"two"}"#)
            #expect(try Self.fields(mistyped) == ["count"])

            let invalid = try await service.send(.POST, "/v1/echo", headers: json, body: #"{"name":"a","count":-1}"#)
            #expect(invalid.status == 422)
            #expect(try Self.fields(invalid) == ["count"])

            let failure = try await service.send(.GET, "/v1/boom")
            #expect(failure.status == 500)
            let problem = try failure.json
            #expect(problem["instance"] as? String == failure.header("X-Request-ID"))
            #expect(!failure.body.contains("hunter2") && !failure.body.contains("postgresql"))
            // The log keeps the detail for operators, with the password in it redacted.
            let logged = try #require(service.logs.all.first { $0.contains("unhandled error") })
            #expect(logged.contains("postgresql://admin:[redacted]@db"))

            let missingRoute = try await service.send(.GET, "/v2/anything")
            #expect(missingRoute.status == 404)
            #expect(missingRoute.header("Content-Type") == "application/problem+json")
            let wrongMethod = try await service.send(.DELETE, "/v1/items/3")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "GET")

            let metrics = try await service.send(.GET, "/metrics").body
            #expect(metrics.contains("fixture_http_errors_total{type=\"validation\"} 4"))
            #expect(metrics.contains("fixture_http_errors_total{type=\"unhandled\"} 1"))
        }
    }

    static func fields(_ response: TestHTTPResponse) throws -> [String] {
        let errors = try #require(try response.json["errors"] as? [[String: Any]])
        return errors.compactMap { $0["field"] as? String }
    }
}
