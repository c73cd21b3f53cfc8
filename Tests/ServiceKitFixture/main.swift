import Hummingbird
import PostgresNIO
import ServiceKit

/// A ServiceKit server with routes for tests and benchmarks: a deliberately slow one, so
/// lifecycle tests can drive a real process through a graceful shutdown with a request in
/// flight, and the same small POSTs with and without idempotency (`ops/bench-idempotency`):
/// an echo, and one whose handler makes a PostgreSQL round trip as a real write would.
/// With `FIXTURE_JOB_STREAM` set it also consumes that job stream (group `FIXTURE_JOB_GROUP`):
/// with `FIXTURE_JOB_MODE=hang` (the default) its handler never finishes, so a test can kill
/// it mid-job; with `complete` it finishes each job at once (`ops/bench-jobs`).
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
        routes.post(
            "/bench/idempotent",
            summary: "Echoes the body, idempotently.",
            responses: [.created: "The body."],
            idempotent: true,
            handler: echo
        )
        let database = routes.environment.database
        let store: @Sendable (Request, ServiceRequestContext) async throws -> Response = { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            guard let database else { throw HTTPError(.serviceUnavailable, message: "DATABASE_URL is not set") }
            _ = try await database.query("SELECT \(body.readableBytes)::int AS size")
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        routes.post("/bench/db", summary: "Echoes the body after a database round trip.", responses: [.created: "The body."], handler: store)
        routes.post("/bench/db-idempotent", summary: "The same, idempotently.", responses: [.created: "The body."], idempotent: true, handler: store)

        let environment = routes.environment
        guard let stream = try environment.config.string("FIXTURE_JOB_STREAM"), let redis = environment.redis else { return }
        let configuration = try JobWorker.Configuration(
            stream: stream,
            group: environment.config.string("FIXTURE_JOB_GROUP", default: "fixture"),
            config: environment.config
        )
        let hangs = try environment.config.string("FIXTURE_JOB_MODE", default: "hang") != "complete"
        routes.runInBackground(
            JobWorker(configuration: configuration, redis: redis, logger: environment.logger) { job in
                guard hangs else { return nil }
                environment.logger.info("fixture worker took a job and hangs", metadata: ["job_id": "\(job.id)"])
                try await Task.sleep(for: .seconds(3600))
                return nil
            }
        )
    }
)

await ServiceMain.run(fixture)
