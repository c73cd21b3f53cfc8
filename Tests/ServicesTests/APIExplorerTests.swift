import Foundation
import IngestionService
import ServiceKit
import TestSupport
import Testing

/// `/docs`: Swagger UI over the service's own document, its files served from `DOCS_ASSETS_DIR`
/// under a Content-Security-Policy that allows nothing from elsewhere, driven in headless chromium
/// by Browser/api_explorer.py (Selenium) against the real ingestion executable.
@Suite struct APIExplorerTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/api_explorer.py").path
    static let servedFiles = ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "swagger-initializer.js"]

    /// Every absolute http(s) URL in `text` that does not point at `baseURL`.
    static func outsideURLs(in text: String, baseURL: String) throws -> [String] {
        let pattern = try NSRegularExpression(pattern: #"https?://[^\s"'<>()]+"#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
            .map { String(text[Range($0.range, in: text)!]) }
            .filter { !$0.hasPrefix(baseURL + "/") }
    }

    @Test func ingestionsExplorerRendersItsOperationsAndTriesGETHealthInChromium() async throws {
        let python = try TestEnvironment.value("TEST_BROWSER_PYTHON")
        let service = try ServiceProcess("ingestion", environment: ["DOCS_ASSETS_DIR": try TestEnvironment.value("TEST_DOCS_ASSETS_DIR")])
        defer { Task { await service.child.stop() } }
        try await service.waitUntilListening()

        let page = try await service.send("/docs")
        #expect(page.status == 200, "\(page.body)")
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        let policy = try #require(page.header("Content-Security-Policy"))
        for directive in [
            "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
        ] {
            #expect(policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.contains(directive), "\(policy)")
        }
        #expect(!page.body.contains("<script>"), "the page has an inline script")
        #expect(try Self.outsideURLs(in: page.body, baseURL: service.baseURL).isEmpty)
        for file in Self.servedFiles {
            let response = try await service.send("/docs/\(file)")
            #expect(response.status == 200, "\(file): \(response.body.prefix(200))")
            #expect(response.header("Content-Security-Policy") == policy, "\(file)")
        }
        let initializer = try await service.send("/docs/swagger-initializer.js")
        #expect(initializer.header("Content-Type") == "text/javascript; charset=utf-8")
        #expect(initializer.body.contains(#"url: "/openapi.json""#))
        #expect(try Self.outsideURLs(in: initializer.body, baseURL: service.baseURL).isEmpty)
        for outside in ["index.html", "oauth2-redirect.html", "swagger-ui.js", "swagger-ui-bundle.js.map", "..%2Fswagger-ui-bundle.js", ".extract"] {
            let response = try await service.send("/docs/\(outside)")
            #expect(response.status == 404, "\(outside)")
            #expect(response.header("Content-Type") == ProblemDetails.mediaType)
        }

        let paths = try #require(try await service.send("/openapi.json").json["paths"] as? [String: [String: Any]])
        #expect(paths["/docs"]?["get"] != nil && paths["/docs/{asset}"]?["get"] != nil)
        let operations = paths.values.map(\.count).reduce(0, +)

        let folder = try TestEnvironment.makeScratchDirectory("api-explorer")
        let screenshot = folder + "/docs.png"
        let browser = try ChildProcess(
            executable: python,
            arguments: [Self.script, service.baseURL, String(operations), screenshot, folder + "/profile"],
            environment: ["HOME": folder]
        )
        // Each of the script's steps waits up to 60 s; this bounds them all on a loaded machine.
        guard let status = await browser.waitForExit(timeout: .seconds(420)) else {
            await browser.stop()
            Issue.record("the browser script did not finish: \(browser.output)")
            return
        }
        let output = browser.output
        let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(output)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(output)")
        #expect(status == 0, "\(output)")
        #expect(summary["title"] as? String == "ingestion API")
        #expect((summary["operations_rendered"] as? Int ?? 0) >= operations, "\(summary)")
        let rendered = Set(summary["paths_rendered"] as? [String] ?? [])
        #expect(
            rendered.isSuperset(of: ["/health", "/ready", "/metrics", "/openapi.json", "/docs", "/v1/documents", "/v1/jobs/{id}"]),
            "\(rendered.sorted())"
        )
        #expect(summary["status_shown"] as? String == "200", "\(summary)")
        #expect((summary["response_body"] as? String)?.contains(#""service": "ingestion""#) == true, "\(summary)")
        #expect((summary["external_urls"] as? [String])?.isEmpty == true, "\(summary)")
        #expect((summary["csp_violations"] as? [String])?.isEmpty == true, "\(summary)")
        #expect((summary["console_errors"] as? [String])?.isEmpty == true, "\(summary)")
        let resources = Set(summary["resources"] as? [String] ?? [])
        #expect(
            resources.isSuperset(
                of: ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js", "/openapi.json", "/health"].map {
                    service.baseURL + $0
                }
            ),
            "\(resources.sorted())"
        )

        #expect(summary["screenshot_saved"] as? Bool == true)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        // A blank page compresses to a few kilobytes; a rendered operation list does not.
        #expect(png.count > 50_000, "screenshot of \(png.count) bytes")
    }

    @Test func withAnAPIKeyTheExplorerNeedsItAsTheDocumentDoes() async throws {
        let settings = [
            "AUTH_ENABLED": "1", "SERVICE_API_KEY": "docs-test-key", "DOCS_ASSETS_DIR": try TestEnvironment.value("TEST_DOCS_ASSETS_DIR"),
        ]
        try await RunningService.with(IngestionService.definition, settings: settings) { service in
            for path in ["/docs", "/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js", "/openapi.json"] {
                let refused = try await service.send(.GET, path)
                #expect(refused.status == 401, "\(path)")
                #expect(refused.header("Content-Type") == ProblemDetails.mediaType)
                #expect(try await service.send(.GET, path, headers: [("X-API-Key", "docs-test-key")]).status == 200, "\(path)")
                #expect(try await service.send(.GET, path, headers: [("Authorization", "Bearer docs-test-key")]).status == 200, "\(path)")
            }
            #expect(try await service.send(.GET, "/health").status == 200)
        }
    }

    @Test func withoutItsFilesTheExplorerIs503NamingTheSetupStepAndTheServiceRuns() async throws {
        let missing = try TestEnvironment.makeScratchDirectory("no-swagger-ui") + "/absent"
        try await RunningService.with(IngestionService.definition, settings: ["DOCS_ASSETS_DIR": missing]) { service in
            for path in ["/docs", "/docs/swagger-ui-bundle.js"] {
                let response = try await service.send(.GET, path)
                #expect(response.status == 503, "\(path)")
                #expect(response.header("Content-Type") == ProblemDetails.mediaType)
                let detail = try #require(try response.json["detail"] as? String)
                #expect(detail.contains("ops/models swagger-ui") && detail.contains("DOCS_ASSETS_DIR"), "\(detail)")
                #expect(!detail.contains(missing), "the problem reveals the server's path")
            }
            #expect(try await service.send(.GET, "/docs/index.html").status == 404)
            #expect(try await service.send(.GET, "/health").status == 200)
            #expect(try await service.send(.GET, "/openapi.json").status == 200)
            let warning = service.logs.entries.first { ($0["msg"] as? String)?.hasPrefix("API explorer unavailable") == true }
            #expect(warning?["level"] as? String == "warning")
            #expect((warning?["missing"] as? String)?.contains("swagger-ui-bundle.js") == true, "\(String(describing: warning))")
        }
    }
}
