import ServiceKit
import ServiceKitHTTPClient

/// rag's `POST /v1/search` and `POST /v1/answer`.
struct RAGClient: Sendable {
    /// One ranked chunk of `POST /v1/search`.
    struct Hit: Decodable, Sendable {
        let chunkID: Int64
        let documentID: String
        let itemID: String
        let title: String
        let text: String
        let page: Int?
        let score: Double

        enum CodingKeys: String, CodingKey {
            case title, text, page, score
            case chunkID = "chunk_id"
            case documentID = "document_id"
            case itemID = "item_id"
        }
    }

    /// `POST /v1/answer`'s answer.
    struct Answer: Decodable, Sendable {
        let answer: String
        let citations: [Citation]
        let found: Bool
        let degraded: Bool
    }

    let service: ServiceClient
    /// Chunks retrieved per question.
    static let topK = 5

    func search(_ query: String) async throws -> [Hit] {
        struct Body: Encodable, Sendable {
            let query: String
            let topK: Int
            enum CodingKeys: String, CodingKey {
                case query
                case topK = "top_k"
            }
        }
        struct Results: Decodable, Sendable { let results: [Hit] }
        return try await service.post("/v1/search", Body(query: query, topK: Self.topK), as: Results.self).results
    }

    func answer(_ question: String) async throws -> Answer {
        struct Body: Encodable, Sendable {
            let question: String
            let topK: Int
            enum CodingKeys: String, CodingKey {
                case question
                case topK = "top_k"
            }
        }
        return try await service.post("/v1/answer", Body(question: question, topK: Self.topK), as: Answer.self)
    }
}

/// A passage a reply rests on: the document, where in it, and what it says.
struct Citation: Codable, Sendable, Equatable {
    let documentID: String
    let itemID: String
    let title: String
    let page: Int?
    let chunkID: Int64
    let quote: String

    enum CodingKeys: String, CodingKey {
        case title, page, quote
        case documentID = "document_id"
        case itemID = "item_id"
        case chunkID = "chunk_id"
    }
}
