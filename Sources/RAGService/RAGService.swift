import Inference
import ServiceKit

/// Retrieval: indexes documents into chunks and embeddings, and answers with citations.
public enum RAGService {
    public static let definition = ServiceDefinition(
        name: "rag",
        defaultPort: 8004,
        defaultRequestTimeoutSeconds: 20,
        addRoutes: { routes in
            let config = routes.environment.config
            EmbeddingsRoutes.add(to: routes, embedder: try localEmbedder(config), maxInputs: try config.int("EMBED_MAX_INPUTS", default: 128, range: 1...2048))
        }
    )

    /// all-MiniLM-L6-v2 from `MODELS_DIR`. rag cannot index or search without it, so a missing
    /// or malformed model file stops start-up, naming the file and `ops/models`.
    static func localEmbedder(_ config: Config) throws -> MiniLMEmbedder {
        let model = try MiniLMModel.load(fromModelsDirectory: try config.string("MODELS_DIR", default: ".run/models"))
        return MiniLMEmbedder(
            model: model,
            maxBatchSize: try config.int("EMBED_MAX_BATCH", default: 32, range: 1...256),
            concurrency: try config.int("EMBED_CONCURRENCY", default: MiniLMEmbedder.defaultConcurrency, range: 1...64)
        )
    }
}
