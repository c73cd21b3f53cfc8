import Foundation
import Inference
import ServiceKit

/// The answer of `POST /v1/embeddings` in OpenAI's shape:
/// `{object: "list", data: [{object: "embedding", index, embedding}], model, usage}`.
struct EmbeddingsResponse: APIModel {
    struct Item: APIModel {
        private(set) var object = "embedding"
        let index: Int
        let embedding: Vector

        static var fieldConstraints: [String: FieldConstraint] { ["object": .oneOf(["embedding"])] }
        static var schemaName: String { "Embedding" }
    }

    /// A vector as JSON numbers, or as base64 of its little-endian float32 bytes.
    enum Vector: Codable, Sendable, JSONSchemaRepresentable {
        case floats([Float])
        case base64(String)

        init(_ vector: [Float], format: EmbeddingsRequest.EncodingFormat) {
            switch format {
            case .float:
                self = .floats(vector)
            case .base64:
                let bytes = vector.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
                self = .base64(Data(bytes).base64EncodedString())
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .base64(text)
            } else {
                self = .floats(try container.decode([Float].self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .floats(let values): try container.encode(values)
            case .base64(let text): try container.encode(text)
            }
        }

        static var jsonSchema: JSONSchema { .anyOf([.array(of: .number), .string]) }
        static var schemaPlaceholder: Vector { .floats([]) }
    }

    /// Word pieces the model read, `[CLS]` and `[SEP]` included; the two counts are equal.
    struct Usage: Codable, Sendable {
        let promptTokens: Int
        let totalTokens: Int

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case totalTokens = "total_tokens"
        }
    }

    private(set) var object = "list"
    let data: [Item]
    let model: String
    let usage: Usage

    static var fieldConstraints: [String: FieldConstraint] { ["object": .oneOf(["list"])] }

    init(_ embeddings: [TextEmbedding], model: String, format: EmbeddingsRequest.EncodingFormat) {
        data = embeddings.enumerated().map { Item(index: $0, embedding: Vector($1.vector, format: format)) }
        self.model = model
        let tokens = embeddings.reduce(0) { $0 + $1.tokenCount }
        usage = Usage(promptTokens: tokens, totalTokens: tokens)
    }
}
