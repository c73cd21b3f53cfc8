import Dispatch
import Foundation
import Inference
import LanguageUnderstanding
import Logging
import ServiceKit

/// Trains a model from validated data: embeds the examples, fits the classifier off the
/// request's executor, stores the new version and announces it, and serves it here at once.
struct ModelTrainer: Sendable {
    let embedder: any SentenceEmbedder
    let store: ModelStore
    let registry: ModelRegistry
    let redis: RedisClient?
    let metrics: NLUMetrics
    let logger: Logger
    /// Texts per call to the embedder.
    static let embeddingBatch = 128

    func train(name: String, data: TrainingData) async throws -> ModelStore.Summary {
        let started = ContinuousClock.now
        let examples = data.labelledExamples
        var vectors: [[Float]] = []
        vectors.reserveCapacity(examples.count)
        for start in stride(from: 0, to: examples.count, by: Self.embeddingBatch) {
            let batch = examples[start..<min(start + Self.embeddingBatch, examples.count)].map(\.text)
            vectors += try await embedder.embed(batch)
        }
        let labels = examples.map(\.label)
        let inputs = vectors
        let intents = data.intentNames
        // Training is seconds of arithmetic: it runs on a Dispatch worker, not on a thread
        // that serves requests.
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: IntentTrainer.train(intents: intents, vectors: inputs, labels: labels))
            }
        }
        let seconds = (ContinuousClock.now - started).seconds
        let summary = try await store.insert(
            name: name,
            data: data,
            classifier: result.classifier,
            embedder: embedder.modelName,
            scores: result.crossValidation,
            trainingSeconds: seconds
        )
        metrics.recordTraining(seconds: seconds)
        registry.serve(
            ServedModel(StoredModel(name: name, version: summary.version, embedder: embedder.modelName, data: data, classifier: result.classifier))
        )
        await ModelReloader.announce(name, on: redis, logger: logger)
        logger.info(
            "model trained",
            metadata: [
                "model": "\(name)", "version": "\(summary.version)", "seconds": "\(seconds)", "accuracy": "\(result.crossValidation.accuracy)",
            ]
        )
        return summary
    }
}
