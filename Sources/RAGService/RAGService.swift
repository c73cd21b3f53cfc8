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
            EmbeddingsRoutes.add(to: routes, embedder: try MiniLMEmbedder.configured(by: config), maxInputs: try config.int("EMBED_MAX_INPUTS", default: 128, range: 1...2048))
        }
    )
}
