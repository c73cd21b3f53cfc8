import Foundation
import Hummingbird

/// `GET /health` and `GET /ready`, answered from ``HealthMonitor``'s probes.
enum HealthRoutes {
    struct HealthReport: APIModel, ResponseEncodable {
        let status: String
        let service: String
        let version: String
        let dependencies: [String: HealthMonitor.ProbeResult]

        static var fieldConstraints: [String: FieldConstraint] { ["status": .oneOf(["healthy", "degraded"])] }
    }

    struct Readiness: APIModel, ResponseEncodable {
        let status: String

        static var fieldConstraints: [String: FieldConstraint] { ["status": .oneOf(["ready"])] }
    }

    static func add(to routes: ServiceRoutes) {
        let environment = routes.environment
        routes.get(
            "/health",
            summary: "Liveness and dependency status: healthy, or degraded while a dependency is down.",
            responses: [.ok: .json(HealthReport.self, "The service is up; the body says which dependencies answer.")]
        ) { _, _ in
            let results = await environment.health.results()
            let allUp = results.values.allSatisfy { $0.status == .up }
            return HealthReport(
                status: allUp ? "healthy" : "degraded",
                service: environment.definition.name,
                version: environment.definition.version,
                dependencies: Dictionary(uniqueKeysWithValues: results.map { ($0.key.rawValue, $0.value) })
            )
        }
        routes.get(
            "/ready",
            summary: "Readiness: 503 while a dependency the service cannot work without is down.",
            responses: [.ok: .json(Readiness.self, "Ready to serve."), .serviceUnavailable: "A required dependency is down."]
        ) { request, context in
            let results = await environment.health.results()
            let down = environment.definition.requiredDependencies
                .filter { results[$0]?.status != .up }
                .map(\.rawValue)
                .sorted()
            guard down.isEmpty else {
                return ProblemDetails(
                    status: .serviceUnavailable,
                    detail: "Required dependencies down: \(down.joined(separator: ", ")).",
                    instance: context.requestID
                ).response()
            }
            return try Readiness(status: "ready").response(from: request, context: context)
        }
    }
}
