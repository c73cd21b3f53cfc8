import ServiceKit
import ServiceKitHTTPClient

/// nlu's `POST /v1/parse`: the intent and entities of a turn.
struct NLUClient: Sendable {
    /// The parts of nlu's parse the graph uses.
    struct Parse: Decodable, Sendable {
        struct Intent: Decodable, Sendable {
            let name: String
            let confidence: Double
        }

        let intent: Intent
        let entities: [ParsedEntity]
    }

    let service: ServiceClient

    func parse(_ text: String) async throws -> Parse {
        try await service.post("/v1/parse", ["text": text], as: Parse.self)
    }
}

/// An entity nlu found in a turn: its type, the text it covers and its normalised value.
struct ParsedEntity: Codable, Sendable, Equatable {
    let entity: String
    let text: String
    let value: AnyJSON
}
