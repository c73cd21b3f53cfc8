import Foundation

/// `duration`: one or more amounts of time units (`2 hours and 30 minutes`, `1h30m`,
/// `half an hour`, `an hour and a half`, `90 min`), as `{value: seconds, unit: "second"}`.
/// A month counts 30 days and a year 365.
public struct DurationExtractor: EntityExtractor {
    static let unitWords = #"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?)"#
    /// One amount of one unit; `tag` keeps group names unique where the term repeats.
    static func term(_ tag: String) -> String {
        #"(?:\b(?<q\#(tag)>\#(NumberGrammar.number)|half\s+an?|an?)\s*(?<u\#(tag)>\#(unitWords))\b(?<half\#(tag)>\s+and\s+a\s+half)?|(?<![\d.])(?<cq\#(tag)>\d+(?:\.\d+)?)(?<cu\#(tag)>h|min|m|s|d|w)(?![a-z]))"#
    }
    static let termPattern = Pattern(term(""))
    /// One or more terms, as a fragment that relative times embed.
    static let durationPattern = #"\#(term("a"))(?:(?:\s*,\s*|\s+and\s+|\s*)\#(term("b")))*"#
    static let pattern = Pattern(durationPattern)

    public init() {}

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        Self.pattern.matches(in: text).compactMap { match in
            guard let terms = Self.terms(of: text.text(match.range)) else { return nil }
            let seconds = terms.reduce(0) { $0 + $1.quantity * $1.unit.seconds }
            return EntityCandidate(entity: "duration", range: match.range, value: .object(["value": .number(seconds), "unit": .string("second")]))
        }
    }

    /// The amounts and units of a match of ``pattern`` (`2 hours and 30 minutes` is two terms).
    static func terms(of span: String) -> [(quantity: Double, unit: TimeUnit)]? {
        var terms: [(quantity: Double, unit: TimeUnit)] = []
        for term in termPattern.matches(in: ScannedText(span)) {
            guard let unitText = (term["u"] ?? term["cu"])?.lowercased(), let unit = TimeUnit.allCases.first(where: { $0.names.contains(unitText) })
            else { return nil }
            let quantityText = (term["q"] ?? term["cq"] ?? "").lowercased()
            let quantity: Double
            if quantityText.hasPrefix("half") {
                quantity = 0.5
            } else if quantityText == "a" || quantityText == "an" {
                quantity = 1
            } else if let value = NumberGrammar.value(of: quantityText) {
                quantity = value
            } else {
                return nil
            }
            terms.append((quantity + (term["half"] == nil ? 0 : 0.5), unit))
        }
        return terms.isEmpty ? nil : terms
    }
}
