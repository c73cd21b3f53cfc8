import Foundation
import Hummingbird

/// `GET /metrics` in the Prometheus text format and `GET /openapi.json`.
enum ObservabilityRoutes {
    static func add(to routes: ServiceRoutes) {
        let environment = routes.environment
        routes.get(
            "/metrics",
            summary: "Prometheus metrics in the text exposition format.",
            responses: [.ok: .bytes(["text/plain"], "The service's metrics.")]
        ) { _, _ in
            // Refreshes the dependency gauge (at most once a second) so a scrape never reads a stale one.
            _ = await environment.health.results()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: environment.metrics.exposition()))
            )
        }
    }

    /// Declared last, so the document describes every route, itself included.
    static func addOpenAPI(to routes: ServiceRoutes) throws {
        let environment = routes.environment
        let path = "/openapi.json"
        let summary = "This OpenAPI document."
        let responses: [HTTPResponse.Status: ResponseSpec] = [.ok: .json(AnyJSON.self, "The service's OpenAPI 3.1 description.")]
        let operations = routes.declarations.map(\.operation) + [OpenAPIOperation(key: RouteKey(.get, path), summary: summary, responses: responses)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let document = try encoder.encode(
            OpenAPIDocument(service: environment.definition.name, version: environment.definition.version, operations: operations)
        )
        routes.get(path, summary: summary, responses: responses) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}
