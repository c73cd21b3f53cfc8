import Hummingbird
import Inference
import ServiceKit

/// rag's OpenAI-compatible embeddings endpoint, so any OpenAI client (and nlu or agent) can
/// use the local model.
enum EmbeddingsRoutes {
    static func add(to routes: ServiceRoutes, embedder: MiniLMEmbedder, maxInputs: Int) {
        routes.post(
            "/v1/embeddings",
            summary:
                "OpenAI-compatible embeddings (model \"\(embedder.modelName)\"): one \(embedder.dimension)-dimensional unit vector per text, texts past \(embedder.model.tokenizer.maxSequenceLength) word pieces truncated.",
            body: .json(EmbeddingsRequest.self),
            responses: [
                .ok: .json(EmbeddingsResponse.self, "One embedding per input text, in order."),
                .unprocessableContent: "Empty or too long input list, a non-string item, an unknown model.",
            ],
            idempotent: true
        ) { request, context in
            let body = try await request.decodeJSON(as: EmbeddingsRequest.self, context: context)
            let texts = try body.validatedTexts(model: embedder.modelName, dimension: embedder.dimension, maxInputs: maxInputs)
            let embeddings = try await embedder.embeddings(of: texts)
            return JSONResponse(EmbeddingsResponse(embeddings, model: embedder.modelName, format: body.encodingFormat ?? .float))
        }
    }
}
