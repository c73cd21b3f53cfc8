/// `percentage`: `20%`, `12.5 percent`, `twenty per cent`.
public struct PercentageExtractor: EntityExtractor {
    static let pattern = Pattern(#"(?<n>\#(NumberGrammar.number))\s*(?:%|percent\b|per\s+cent\b|pct\b)"#)

    public init() {}

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        Self.pattern.matches(in: text).compactMap { match in
            guard let number = match["n"], let value = NumberGrammar.value(of: number) else { return nil }
            return EntityCandidate(entity: "percentage", range: match.range, value: .value(value))
        }
    }
}
