import Foundation

/// Runs every extractor over a text and keeps, among overlapping candidates, the longest
/// (then the most confident, then the one of the extractor listed first).
public struct EntityRecognizer: Sendable {
    public let extractors: [any EntityExtractor]

    public init(extractors: [any EntityExtractor]) {
        self.extractors = extractors
    }

    /// The built-in dimensions, most specific first so that they win ties.
    public static let builtinExtractors: [any EntityExtractor] = [
        EmailExtractor(), URLExtractor(), TimeExtractor(), AmountOfMoneyExtractor(), PercentageExtractor(),
        DurationExtractor(), PhoneNumberExtractor(), OrdinalExtractor(), NumberExtractor(),
    ]

    /// The built-in dimensions followed by `extra` (a model's lookup tables and patterns).
    public static func standard(adding extra: [any EntityExtractor] = []) -> EntityRecognizer {
        EntityRecognizer(extractors: extra + builtinExtractors)
    }

    public func entities(in string: String, context: ExtractionContext) -> [Entity] {
        let text = ScannedText(string)
        var ranked: [(candidate: EntityCandidate, priority: Int)] = []
        for (priority, extractor) in extractors.enumerated() {
            for candidate in extractor.candidates(in: text, context: context) where candidate.range.length > 0 {
                ranked.append((candidate, priority))
            }
        }
        ranked.sort { left, right in
            if left.candidate.range.length != right.candidate.range.length { return left.candidate.range.length > right.candidate.range.length }
            if left.candidate.confidence != right.candidate.confidence { return left.candidate.confidence > right.candidate.confidence }
            if left.priority != right.priority { return left.priority < right.priority }
            return left.candidate.range.location < right.candidate.range.location
        }
        var kept: [EntityCandidate] = []
        for (candidate, _) in ranked where !kept.contains(where: { NSIntersectionRange($0.range, candidate.range).length > 0 }) {
            kept.append(candidate)
        }
        return kept.sorted { $0.range.location < $1.range.location }.map { candidate in
            let scalars = text.scalarRange(candidate.range)
            return Entity(
                entity: candidate.entity,
                text: text.text(candidate.range),
                start: scalars.lowerBound,
                end: scalars.upperBound,
                value: candidate.value,
                confidence: candidate.confidence,
                extractor: candidate.extractor
            )
        }
    }
}
