import Foundation
import ServiceKit
import TestSupport
import Testing

@Suite struct ObservabilityTests {
    @Test func metricsUseServicePrefixedNamesAndRouteTemplates() async throws {
        try await RunningService.with(Fixtures.service) { service in
            for id in ["1", "2", "abc"] {
                #expect(try await service.send(.GET, "/v1/items/\(id)").status == 200)
            }
            _ = try await service.send(.GET, "/nowhere/at/all")
            let metrics = try await service.send(.GET, "/metrics")
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.body
            #expect(text.contains("fixture_http_requests_total{method=\"GET\",path=\"/v1/items/{id}\",status=\"200\"} 3"))
            #expect(text.contains("fixture_http_requests_total{method=\"GET\",path=\"unmatched\",status=\"404\"} 1"))
            #expect(!text.contains("/v1/items/abc"))
            #expect(!text.contains("nowhere"))
            #expect(text.contains("fixture_http_request_duration_seconds_bucket{method=\"GET\",path=\"/v1/items/{id}\",le=\"+Inf\"} 3"))
            for kind in ["validation", "unhandled", "timeout"] {
                #expect(text.contains("fixture_http_errors_total{type=\"\(kind)\"}"))
            }
            #expect(text.contains("fixture_dependency_up{component=\"redis\"}"))
            #expect(text.contains("fixture_dependency_up{component=\"postgres\"}"))
        }
    }

    @Test func promtoolAcceptsTheExposition() async throws {
        try await RunningService.with(Fixtures.service) { service in
            _ = try await service.send(.GET, "/v1/items/1")
            _ = try await service.send(.POST, "/v1/echo", body: "{")
            let text = try await service.send(.GET, "/metrics").body
            let file = NSTemporaryDirectory() + "metrics-\(UUID().uuidString).txt"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            // promtool reads the exposition on standard input.
            let output = try await runCommand("/bin/sh", ["-c", "\"$0\" check metrics < \"$1\"", try TestEnvironment.promtool, file])
            #expect(!output.contains("error"), "\(output)")
        }
    }

    @Test func openAPIDescribesEveryDeclaredRoute() async throws {
        try await RunningService.with(Fixtures.service) { service in
            let document = try await service.send(.GET, "/openapi.json").json
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            #expect(
                Set(paths.keys) == [
                    "/health", "/ready", "/metrics", "/openapi.json", "/docs", "/docs/{asset}", "/v1/echo", "/v1/upload", "/v1/count",
                    "/v1/items/{id}", "/v1/slow", "/v1/patient", "/v1/mark/{key}", "/v1/boom",
                ]
            )
            let item = try #require(paths["/v1/items/{id}"]?["get"] as? [String: Any])
            let parameters = try #require(item["parameters"] as? [[String: Any]])
            #expect(parameters.first?["name"] as? String == "id")
            #expect(parameters.first?["in"] as? String == "path")
            #expect((item["responses"] as? [String: Any])?["200"] != nil)
            let health = try #require(paths["/health"]?["get"] as? [String: Any])
            #expect((health["security"] as? [Any])?.isEmpty == true)

            // Every documented operation is served (none answers 404 as unrouted).
            for (path, operations) in paths {
                for method in operations.keys {
                    let concrete = path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{asset}", with: "swagger-ui.css")
                    let response = try await service.send(
                        .init(rawValue: method.uppercased()),
                        concrete + (["/v1/slow", "/v1/patient"].contains(path) ? "?seconds=0" : "")
                    )
                    #expect(response.status != 404, "\(method) \(path)")
                }
            }
        }
    }
}
