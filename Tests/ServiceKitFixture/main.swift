import Hummingbird
import ServiceKit

/// A ServiceKit server with one deliberately slow route, so tests can drive a real
/// process through a graceful shutdown while a request is in flight.
let fixture = ServiceDefinition(
    name: "fixture",
    defaultPort: 8099,
    addRoutes: { routes in
        routes.get("/slow", summary: "Answers after `?seconds=` (default 1).", responses: [.ok: "Slept."]) { request, _ in
            let seconds = request.uri.queryParameters.get("seconds", as: Double.self) ?? 1
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            return "slept \(seconds)s"
        }
    }
)

await ServiceMain.run(fixture)
