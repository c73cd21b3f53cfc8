/// An entity found in a text: what it is, where it is (in Unicode scalars of the input, so
/// `text[start..<end]` is `text`), its normalised value, and which extractor found it.
public struct Entity: Sendable, Equatable, Codable {
    public let entity: String
    public let text: String
    public let start: Int
    public let end: Int
    public let value: EntityValue
    public let confidence: Double
    public let extractor: String

    public init(entity: String, text: String, start: Int, end: Int, value: EntityValue, confidence: Double, extractor: String) {
        self.entity = entity
        self.text = text
        self.start = start
        self.end = end
        self.value = value
        self.confidence = confidence
        self.extractor = extractor
    }
}
