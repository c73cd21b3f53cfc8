import Hummingbird
import PostgresNIO
import ServiceKit

/// A ServiceKit server with routes for tests and benchmarks: a deliberately slow one, so
/// lifecycle tests can drive a real process through a graceful shutdown with a request in
/// flight, and the same small POSTs with and without idempotency (`ops/bench-idempotency`):
/// an echo, and one whose handler makes a PostgreSQL round trip as a real write would.
let fixture = ServiceDefinition(
    name: "fixture",
    defaultPort: 8099,
    addRoutes: { routes in
        routes.get("/slow", summary: "Answers after `?seconds=` (default 1).", responses: [.ok: "Slept."]) { request, _ in
            let seconds = request.uri.queryParameters.get("seconds", as: Double.self) ?? 1
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            return "slept \(seconds)s"
        }
        let echo: @Sendable (Request, ServiceRequestContext) async throws -> Response = { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        routes.post("/bench/plain", summary: "Echoes the body.", responses: [.created: "The body."], handler: echo)
        routes.post("/bench/idempotent", summary: "Echoes the body, idempotently.", responses: [.created: "The body."], idempotent: true, handler: echo)
        let postgres = routes.environment.postgres
        let store: @Sendable (Request, ServiceRequestContext) async throws -> Response = { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            guard let postgres else { throw HTTPError(.serviceUnavailable, message: "DATABASE_URL is not set") }
            let rows = try await postgres.query("SELECT \(body.readableBytes)::int AS size")
            for try await _ in rows {}
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        routes.post("/bench/db", summary: "Echoes the body after a database round trip.", responses: [.created: "The body."], handler: store)
        routes.post("/bench/db-idempotent", summary: "The same, idempotently.", responses: [.created: "The body."], idempotent: true, handler: store)
    }
)

await ServiceMain.run(fixture)
