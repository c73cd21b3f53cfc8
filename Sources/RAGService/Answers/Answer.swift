import Foundation
import Hummingbird
import ServiceKit

/// The reply of `POST /v1/answer`: the answer, the passages it rests on, and how it was made.
struct Answer: APIModel, ResponseEncodable {
    enum Mode: String, Codable, Sendable, SchemaEnumeration {
        /// Sentences quoted from the documents.
        case extractive
        /// Written by a language model from the retrieved chunks.
        case generative
    }

    let answer: String
    let citations: [Citation]
    let mode: Mode
    /// A generative answer was asked for (a model is configured) but the model failed, so
    /// this one is extractive.
    let degraded: Bool
    /// True when nothing in the documents was close enough to the question.
    let found: Bool
}

/// Where a sentence of an answer comes from; `[n]` in the answer is the n-th citation.
struct Citation: APIModel {
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

    static var fieldConstraints: [String: FieldConstraint] { ["document_id": .format("uuid"), "item_id": .format("uuid")] }
}
