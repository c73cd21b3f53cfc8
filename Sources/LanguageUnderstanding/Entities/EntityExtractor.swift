import Foundation

/// Finds the candidates of one kind of entity; the ``EntityRecognizer`` decides between
/// candidates that overlap.
public protocol EntityExtractor: Sendable {
    func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate]
}

/// A possible entity: a UTF-16 range of the text with its value, before overlaps are resolved.
public struct EntityCandidate: Sendable {
    public let entity: String
    let range: NSRange
    public let value: EntityValue
    public let confidence: Double
    public let extractor: String

    init(entity: String, range: NSRange, value: EntityValue, confidence: Double = 1, extractor: String = "builtin") {
        self.entity = entity
        self.range = range
        self.value = value
        self.confidence = confidence
        self.extractor = extractor
    }
}
