import Foundation
import Inference
import LanguageUnderstanding
import ServiceKit

/// Language understanding: intent with ranking and out-of-scope detection over sentence
/// vectors, entities with offsets and normalised values, and sentiment.
public enum NLUService {
    /// nlu over the local all-MiniLM-L6-v2 from `MODELS_DIR`; without its files start-up
    /// fails, naming the file and `ops/models`.
    public static let definition = definition(embedder: { try MiniLMEmbedder.configured(by: $0.config) })

    /// nlu with the embedder `makeEmbedder` builds from the service's environment (its
    /// settings, logger).
    public static func definition(embedder makeEmbedder: @escaping @Sendable (ServiceEnvironment) throws -> any SentenceEmbedder) -> ServiceDefinition
    {
        ServiceDefinition(
            name: "nlu",
            defaultPort: 8003,
            migrations: NLUSchema.migrations,
            addRoutes: { routes in
                let environment = routes.environment
                let config = environment.config
                let maxCharacters = try config.int("NLU_MAX_CHARS", default: 2000, range: 1...100_000)
                let modelsFolder = URL(fileURLWithPath: try config.string("MODELS_DIR", default: ".run/models"))
                let embedder = try makeEmbedder(environment)
                let metrics = NLUMetrics(metrics: environment.metrics)
                let store = environment.database.map(ModelStore.init)
                let registry = ModelRegistry(store: store, embedderName: embedder.modelName, logger: environment.logger)
                let parser = TextParser(
                    registry: registry,
                    embedder: embedder,
                    sentiment: sentimentAnalyzer(modelsFolder, environment: environment),
                    metrics: metrics
                )
                let trainer = store.map {
                    ModelTrainer(
                        embedder: embedder,
                        store: $0,
                        registry: registry,
                        redis: environment.redis,
                        metrics: metrics,
                        logger: environment.logger
                    )
                }
                NLURoutes.add(to: routes, parser: parser, trainer: trainer, maxCharacters: maxCharacters)
                if let database = environment.database {
                    routes.runInBackground(
                        ModelReloader(registry: registry, database: database, redis: environment.redis, logger: environment.logger)
                    )
                    if let trainer { routes.runInBackground(DefaultModel(trainer: trainer, database: database, logger: environment.logger)) }
                }
            }
        )
    }

    /// VADER's lexicon from `ops/models`; without it the service still starts (and says why
    /// parse answers 503), since health and training do not need it.
    static func sentimentAnalyzer(_ modelsFolder: URL, environment: ServiceEnvironment) -> SentimentAnalyzer? {
        let file = modelsFolder.appendingPathComponent("vader/vader_lexicon.txt")
        do {
            return SentimentAnalyzer(lexicon: try ValenceLexicon(contentsOf: file))
        } catch {
            environment.logger.error(
                "sentiment lexicon not loaded; run ops/models",
                metadata: ["file": "\(file.path)", "error": "\(String(reflecting: error))"]
            )
            return nil
        }
    }
}
