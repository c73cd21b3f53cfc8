import ServiceKit

/// Retrieval: indexes documents into chunks and embeddings, and answers with citations.
public enum RAGService {
    public static let definition = ServiceDefinition(
        name: "rag",
        defaultPort: 8004,
        defaultRequestTimeoutSeconds: 20
    )
}
