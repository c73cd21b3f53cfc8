import DocumentText
import Inference
import ServiceKit
import ServiceKitHTTPClient

/// Retrieval: indexes documents into chunks and embeddings, and answers with citations.
public enum RAGService {
    /// The job stream ingestion fills with uploaded documents.
    static let indexStream = "jobs:rag.index"

    public static let definition = ServiceDefinition(
        name: "rag",
        defaultPort: 8004,
        defaultRequestTimeoutSeconds: 20,
        migrations: RAGSchema.migrations,
        addRoutes: { routes in
            let environment = routes.environment
            let config = environment.config
            let settings = try RAGSettings(config: config)
            let embedder = try MiniLMEmbedder.configured(by: config)
            guard embedder.dimension == RAGSchema.dimension else {
                throw ConfigError(
                    name: "MODELS_DIR",
                    reason: "the model's vectors have \(embedder.dimension) dimensions; rag's schema stores \(RAGSchema.dimension)"
                )
            }
            let metrics = RAGMetrics(metrics: environment.metrics)
            EmbeddingsRoutes.add(to: routes, embedder: embedder, maxInputs: try config.int("EMBED_MAX_INPUTS", default: 128, range: 1...2048))
            let generative = try OpenAIClient.make(config: config, metrics: environment.metrics).map(GenerativeAnswerer.init)
            RAGRoutes.add(to: routes, embedder: embedder, generative: generative, settings: settings, metrics: metrics)
            if let database = environment.database, let redis = environment.redis {
                let tokenizer = embedder.model.tokenizer
                let indexer = DocumentIndexer(
                    items: IngestionItems(
                        baseURL: settings.ingestionURL,
                        apiKey: environment.settings.serviceAPIKey,
                        http: OutboundHTTP(bodyLimit: settings.maxDocumentBytes),
                        policy: ResiliencePolicy(
                            provider: "ingestion",
                            settings: try ResilienceSettings(provider: "ingestion", config: config),
                            metrics: environment.metrics
                        )
                    ),
                    store: DocumentStore(database: database),
                    extractor: DocumentExtractor(limits: settings.extractionLimits),
                    chunker: Chunker(policy: settings.chunking, countTokens: { tokenizer.pieceCount($0) }),
                    embedder: embedder,
                    metrics: metrics,
                    logger: environment.logger
                )
                let worker = try JobWorker.Configuration(stream: indexStream, group: "rag", config: config)
                routes.runInBackground(JobWorker(configuration: worker, redis: redis, logger: environment.logger, handler: indexer.handle))
            }
        }
    )
}
