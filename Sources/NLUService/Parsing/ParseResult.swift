import LanguageUnderstanding
import ServiceKit

/// What `POST /v1/parse` answers for one text.
struct ParseResult: APIModel {
    let text: String
    let intent: ScoredIntent
    let ranking: [ScoredIntent]
    let entities: [Entity]
    let sentiment: Sentiment
    let model: String
    let modelVersion: Int

    enum CodingKeys: String, CodingKey {
        case text, intent, ranking, entities, sentiment, model
        case modelVersion = "model_version"
    }
}

/// What `POST /v1/parse/batch` answers: one result per text, in order.
struct BatchParseResult: APIModel {
    let results: [ParseResult]
}
