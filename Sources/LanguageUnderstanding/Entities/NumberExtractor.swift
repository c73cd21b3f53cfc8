/// `number`: digits (`1,200.5`, `1.5k`) and English words (`twenty-five`, `two hundred and five`).
public struct NumberExtractor: EntityExtractor {
    static let pattern = Pattern(NumberGrammar.number)

    public init() {}

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        Self.pattern.matches(in: text).compactMap { match in
            guard let value = NumberGrammar.value(of: text.text(match.range)) else { return nil }
            return EntityCandidate(entity: "number", range: match.range, value: .value(value))
        }
    }
}
