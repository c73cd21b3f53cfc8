import Foundation
import HTTPTypes
import Hummingbird
import ServiceKit

/// Integrations' endpoints: submit, read and retry deliveries; list providers.
enum IntegrationsRoutes {
    /// A delivery as a client asks for it; which fields a provider needs is its own rule.
    struct DeliveryRequest: APIModel {
        let provider: String
        let target: String?
        let message: String?
        let payload: AnyJSON?

        /// Every provider the service has, configured or not (``ProviderRegistry`` checks it).
        static let providers = ["slack", "webhook", "pagerduty"]

        static var fieldConstraints: [String: FieldConstraint] { ["provider": .oneOf(providers), "payload": .kind(.object)] }
    }

    /// The answer to a queued delivery.
    struct DeliveryQueued: APIModel {
        let id: String
        let status: String

        static var fieldConstraints: [String: FieldConstraint] { ["id": .format("uuid"), "status": .oneOf(["queued"])] }
    }

    struct DeliveryList: APIModel {
        let deliveries: [DeliveryView]
    }

    struct ProviderView: APIModel {
        let name: String
        let status: String
        let breaker: String
        let successes: Int
        let failures: Int

        static var fieldConstraints: [String: FieldConstraint] {
            ["status": .oneOf(["configured", "unconfigured"]), "breaker": .oneOf(CircuitBreaker.State.allCases.map(\.rawValue))]
        }
    }

    struct ProviderList: APIModel {
        let providers: [ProviderView]
    }

    static let status = QueryParameter<String>.oneOf("status", DeliveryView.statuses)
    static let limit = QueryParameter<Int>.limit(max: 500).describing("Deliveries to list; 100 when absent.")

    static func add(to routes: ServiceRoutes, registry: ProviderRegistry) {
        let environment = routes.environment
        @Sendable func requireStore() throws -> DeliveryStore {
            DeliveryStore(database: try environment.requireDatabase())
        }

        routes.post(
            "/v1/deliveries",
            summary: "Queues a delivery to a provider: a target and a message or payload, as the provider needs; send it with an Idempotency-Key.",
            body: .json(DeliveryRequest.self),
            responses: [
                .accepted: .json(DeliveryQueued.self, "Queued.").header("Location", "The delivery's URL."),
                .unprocessableContent: "Invalid fields, or an unknown or unconfigured provider.",
            ],
            idempotent: true
        ) { request, context in
            let store = try requireStore()
            let body = try await request.decodeJSON(as: DeliveryRequest.self, context: context)
            guard let entry = registry.entry(body.provider) else {
                throw ValidationError(field: "provider", message: "is not a provider of this service")
            }
            guard entry.provider.isConfigured else {
                throw ValidationError(field: "provider", message: "\(body.provider) is not configured (its credentials are missing)")
            }
            let payloadJSON = try body.payload.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            let target = body.target ?? ""
            if let problem = entry.provider.problem(with: target, message: body.message, payload: payloadJSON) {
                throw ValidationError(fields: [problem], detail: "\(problem.field): \(problem.message)")
            }
            if let reason = await entry.provider.refusal(ofTarget: target) {
                throw ValidationError(field: "target", message: "is refused: \(reason)")
            }
            let id = try await store.insert(provider: body.provider, target: target, message: body.message, payloadJSON: payloadJSON)
            return JSONResponse(
                DeliveryQueued(id: id.uuidString.lowercased(), status: "queued"),
                status: .accepted,
                headers: [.location: "/v1/deliveries/\(id.uuidString.lowercased())"]
            )
        }
        routes.get(
            "/v1/deliveries/{id}",
            summary: "A delivery: status, attempts, last error, the provider's (trimmed) answer.",
            responses: [.ok: .json(DeliveryView.self, "The delivery."), .notFound: "No such delivery."]
        ) { _, context in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), let delivery = try await requireStore().delivery(id) else {
                throw HTTPError(.notFound, message: "No such delivery.")
            }
            return JSONResponse(delivery)
        }
        routes.get(
            "/v1/deliveries",
            summary: "Recent deliveries, newest first.",
            query: [status, limit],
            responses: [.ok: .json(DeliveryList.self, "The deliveries.")]
        ) { request, _ in
            var query = ListQuery(request)
            let status = query.value(status)
            let limit = query.value(limit) ?? 100
            try query.validated()
            return JSONResponse(DeliveryList(deliveries: try await requireStore().deliveries(status: status, limit: limit)))
        }
        routes.post(
            "/v1/deliveries/{id}/retry",
            summary: "Queues a dead or failed delivery again.",
            responses: [.accepted: .json(DeliveryQueued.self, "Queued again."), .notFound: "No such delivery.", .conflict: "Not dead or failed."]
        ) { _, context in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
                throw HTTPError(.notFound, message: "No such delivery.")
            }
            let store = try requireStore()
            guard try await store.requeue(id) else {
                guard try await store.delivery(id) != nil else { throw HTTPError(.notFound, message: "No such delivery.") }
                throw HTTPError(.conflict, message: "Only dead or failed deliveries can be retried.")
            }
            return JSONResponse(DeliveryQueued(id: id.uuidString.lowercased(), status: "queued"), status: .accepted)
        }
        routes.get(
            "/v1/providers",
            summary: "Every provider, configured or not, with its breaker state and outcome counts since start.",
            responses: [.ok: .json(ProviderList.self, "The providers.")]
        ) { _, _ in
            JSONResponse(
                ProviderList(
                    providers: registry.entries.map { entry in
                        let counts = entry.counts.withLockedValue { $0 }
                        return ProviderView(
                            name: entry.provider.name,
                            status: entry.provider.isConfigured ? "configured" : "unconfigured",
                            breaker: entry.policy.breaker.currentState.rawValue,
                            successes: counts.successes,
                            failures: counts.failures
                        )
                    }
                )
            )
        }
    }
}
