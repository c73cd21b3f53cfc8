import Foundation

/// A model's pattern entity: every match of a client's regular expression, its value the matched text.
public struct RegexEntityExtractor: EntityExtractor {
    public let entity: String
    private let pattern: Pattern

    /// Throws when `pattern` is not a valid regular expression (ICU syntax).
    public init(entity: String, pattern: String) throws {
        self.entity = entity
        self.pattern = try Pattern(validating: pattern)
    }

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        pattern.matches(in: text).map { match in
            EntityCandidate(entity: entity, range: match.range, value: .object(["value": .string(text.text(match.range))]), extractor: "regex")
        }
    }
}
