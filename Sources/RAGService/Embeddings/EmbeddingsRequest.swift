import Inference
import ServiceKit

/// The body of `POST /v1/embeddings`, as OpenAI's embeddings API defines it: `input` is one
/// text or a list of texts; `encoding_format` is `float` (the default) or `base64`
/// (little-endian float32, what OpenAI's own clients ask for); `dimensions`, if given, must
/// be the model's; `user` is accepted and ignored.
struct EmbeddingsRequest: APIModel {
    enum Input: Codable, Sendable, JSONSchemaRepresentable {
        case text(String)
        case texts([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .texts(try container.decode([String].self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .texts(let texts): try container.encode(texts)
            }
        }

        static var jsonSchema: JSONSchema { .anyOf([.string, .array(of: .string)]) }
        static var schemaPlaceholder: Input { .text("") }

        var texts: [String] {
            switch self {
            case .text(let text): [text]
            case .texts(let texts): texts
            }
        }
    }

    enum EncodingFormat: String, Codable, Sendable, SchemaEnumeration {
        case float, base64
    }

    let input: Input
    let model: String
    let encodingFormat: EncodingFormat?
    let dimensions: Int?
    let user: String?

    enum CodingKeys: String, CodingKey {
        case input, model, dimensions, user
        case encodingFormat = "encoding_format"
    }

    static var fieldConstraints: [String: FieldConstraint] {
        [
            "input": .describing("A text or a list of texts."), "encoding_format": .describing("float when absent."),
            "user": .describing("Accepted and ignored."), "model": .oneOf([MiniLMModel.name]),
        ]
    }

    /// The texts to embed, once the request is known to be one this server can answer.
    func validatedTexts(model expectedModel: String, dimension: Int, maxInputs: Int) throws(ValidationError) -> [String] {
        guard model == expectedModel else { throw ValidationError(field: "model", message: "must be \(expectedModel)") }
        if let dimensions, dimensions != dimension {
            throw ValidationError(field: "dimensions", message: "must be \(dimension) for \(expectedModel)")
        }
        let texts = input.texts
        guard !texts.isEmpty else { throw ValidationError(field: "input", message: "must not be an empty list") }
        guard texts.count <= maxInputs else {
            throw ValidationError(field: "input", message: "must hold at most \(maxInputs) texts (EMBED_MAX_INPUTS)")
        }
        return texts
    }
}
