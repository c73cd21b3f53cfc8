import Foundation
import Hummingbird
import Inference
import LanguageUnderstanding
import ServiceKit

/// Parses texts with a served model: one embedder call for all of them, then intent,
/// entities and sentiment for each.
struct TextParser: Sendable {
    let registry: ModelRegistry
    let embedder: any SentenceEmbedder
    let sentiment: SentimentAnalyzer?
    let metrics: NLUMetrics

    func parse(_ texts: [String], options: ParseOptions) async throws -> [ParseResult] {
        let started = ContinuousClock.now
        guard let sentiment else { throw HTTPError(.serviceUnavailable, message: "The sentiment lexicon is not installed (run ops/models).") }
        guard let model = registry.model(options.model) else {
            if options.model == ParseOptions.defaultModel {
                throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"], message: "The default model is not loaded yet.")
            }
            throw ValidationError(field: "model", message: "no model named \(options.model)")
        }
        let vectors = try await embedder.embed(texts)
        let context = ExtractionContext(referenceTime: options.referenceTime, timeZone: options.timeZone)
        let results = zip(texts, vectors).map { text, vector in
            let prediction = model.classifier.classify(vector)
            metrics.recordIntent(model: model.name, intent: prediction.intent.name)
            return ParseResult(
                text: text,
                intent: prediction.intent,
                ranking: prediction.ranking,
                entities: model.recognizer.entities(in: text, context: context),
                sentiment: sentiment.sentiment(of: text),
                model: model.name,
                modelVersion: model.version
            )
        }
        metrics.recordParse(ContinuousClock.now - started)
        return results
    }
}
