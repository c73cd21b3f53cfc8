import LanguageUnderstanding

/// A model version ready to parse with: its classifier and an entity recognizer with its own
/// lookup tables and patterns beside the built-in dimensions.
struct ServedModel: Sendable {
    let name: String
    let version: Int
    let classifier: IntentClassifier
    let recognizer: EntityRecognizer

    init(_ stored: StoredModel) {
        name = stored.name
        version = stored.version
        classifier = stored.classifier
        recognizer = EntityRecognizer.standard(adding: stored.data.entities?.extractors() ?? [])
    }
}
