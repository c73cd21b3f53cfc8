import Foundation
import HTTPTypes
import Hummingbird
import ServiceKit

/// Integrations' endpoints: submit, read and retry deliveries; list providers.
enum IntegrationsRoutes {
    struct DeliveryRequest: Decodable {
        let provider: String
        let target: String?
        let message: String?
        let payload: AnyJSON?
    }

    struct ProviderView: Encodable, Sendable {
        let name: String
        let status: String
        let breaker: String
        let successes: Int
        let failures: Int
    }

    static func add(to routes: ServiceRoutes, registry: ProviderRegistry) {
        let environment = routes.environment
        @Sendable func requireStore() throws -> DeliveryStore {
            DeliveryStore(database: try environment.requireDatabase())
        }

        routes.post(
            "/v1/deliveries", summary: "Queues a delivery {provider, target, message or payload}; send it with an Idempotency-Key.",
            responses: [.accepted: "Queued: {id, status}.", .unprocessableContent: "Invalid, unknown or unconfigured provider."],
            idempotent: true
        ) { request, context in
            let store = try requireStore()
            let body = try await request.decodeJSON(as: DeliveryRequest.self, context: context)
            guard let entry = registry.entry(body.provider) else {
                throw ValidationError(field: "provider", message: "must be one of \(registry.entries.map(\.provider.name).joined(separator: ", "))")
            }
            guard entry.provider.isConfigured else {
                throw ValidationError(field: "provider", message: "\(body.provider) is not configured (its credentials are missing)")
            }
            if let payload = body.payload, !payload.isObject { throw ValidationError(field: "payload", message: "must be an object") }
            let payloadJSON = try body.payload.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            let target = body.target ?? ""
            if let problem = entry.provider.problem(with: target, message: body.message, payload: payloadJSON) {
                throw ValidationError(fields: [problem], detail: "\(problem.field): \(problem.message)")
            }
            if let reason = await entry.provider.refusal(ofTarget: target) {
                throw ValidationError(field: "target", message: "is refused: \(reason)")
            }
            let id = try await store.insert(provider: body.provider, target: target, message: body.message, payloadJSON: payloadJSON)
            return JSONResponse(["id": id.uuidString.lowercased(), "status": "queued"], status: .accepted, headers: [.location: "/v1/deliveries/\(id.uuidString.lowercased())"])
        }
        routes.get("/v1/deliveries/{id}", summary: "A delivery: status, attempts, last error, the provider's (trimmed) answer.", responses: [.ok: "The delivery.", .notFound: "No such delivery."]) { _, context in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), let delivery = try await requireStore().delivery(id) else {
                throw HTTPError(.notFound, message: "No such delivery.")
            }
            return JSONResponse(delivery)
        }
        routes.get("/v1/deliveries", summary: "Recent deliveries, newest first: ?status=&limit=.", responses: [.ok: "{deliveries}.", .unprocessableContent: "Invalid query."]) { request, _ in
            let status = request.uri.queryParameters.get("status").map { String($0) }
            if let status, !["queued", "sending", "delivered", "failed", "dead"].contains(status) {
                throw ValidationError(field: "status", message: "must be queued, sending, delivered, failed or dead")
            }
            let limit = request.uri.queryParameters.get("limit").map { Int(String($0)) } ?? 100
            guard let limit, (1...500).contains(limit) else { throw ValidationError(field: "limit", message: "must be 1 to 500") }
            return JSONResponse(["deliveries": try await requireStore().deliveries(status: status, limit: limit)])
        }
        routes.post("/v1/deliveries/{id}/retry", summary: "Queues a dead or failed delivery again.", responses: [.accepted: "Queued again.", .notFound: "No such delivery.", .conflict: "Not dead or failed."]) { _, context in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound, message: "No such delivery.") }
            let store = try requireStore()
            guard try await store.requeue(id) else {
                guard try await store.delivery(id) != nil else { throw HTTPError(.notFound, message: "No such delivery.") }
                throw HTTPError(.conflict, message: "Only dead or failed deliveries can be retried.")
            }
            return JSONResponse(["id": id.uuidString.lowercased(), "status": "queued"], status: .accepted)
        }
        routes.get("/v1/providers", summary: "Every provider, configured or not, with its breaker state and outcome counts since start.", responses: [.ok: "{providers}."]) { _, _ in
            JSONResponse(["providers": registry.entries.map { entry in
                let counts = entry.counts.withLockedValue { $0 }
                return ProviderView(name: entry.provider.name, status: entry.provider.isConfigured ? "configured" : "unconfigured", breaker: entry.policy.breaker.currentState.rawValue, successes: counts.successes, failures: counts.failures)
            }])
        }
    }
}
