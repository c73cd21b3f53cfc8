import Foundation

/// A model's lookup table: any of its entries, as a whole word and in any case, is an entity
/// named after the table whose value is the entry as the table spells it.
public struct LookupEntityExtractor: EntityExtractor {
    public let entity: String
    let entries: [String]
    private let pattern: Pattern

    public init(entity: String, entries: [String]) {
        self.entity = entity
        self.entries = entries
        let alternatives = entries.sorted { $0.count > $1.count }.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
        pattern = Pattern(#"(?<![\w])(?:\#(alternatives))(?![\w])"#)
    }

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        pattern.matches(in: text).map { match in
            let found = text.text(match.range)
            let entry = entries.first { $0.compare(found, options: .caseInsensitive) == .orderedSame } ?? found
            return EntityCandidate(entity: entity, range: match.range, value: .object(["value": .string(entry)]), extractor: "lookup")
        }
    }
}
