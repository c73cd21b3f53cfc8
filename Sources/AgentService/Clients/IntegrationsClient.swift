import ServiceKit
import ServiceKitHTTPClient

/// integrations' `POST /v1/deliveries` (with an `Idempotency-Key`) and `GET /v1/deliveries/{id}`.
struct IntegrationsClient: Sendable {
    /// A delivery as integrations reports it.
    struct Delivery: Decodable, Sendable {
        let id: String
        let status: String
        let lastError: String?

        enum CodingKeys: String, CodingKey {
            case id, status
            case lastError = "last_error"
        }

        /// Delivered, or given up on (failed or dead): nothing more will happen by itself.
        var isSettled: Bool { ["delivered", "failed", "dead"].contains(status) }
    }

    let service: ServiceClient

    /// Submits `action`; the same `idempotencyKey` again answers the same delivery.
    func deliver(_ action: ProposedAction, idempotencyKey: String) async throws -> Delivery {
        struct Body: Encodable, Sendable {
            let provider: String
            let target: String
            let message: String
        }
        return try await service.post(
            "/v1/deliveries",
            Body(provider: action.provider, target: action.target, message: action.message),
            idempotencyKey: idempotencyKey,
            as: Delivery.self
        )
    }

    func delivery(_ id: String) async throws -> Delivery {
        try await service.get("/v1/deliveries/\(id)", as: Delivery.self)
    }
}
