/// `email`: an address, its value lower-cased in the domain only (the local part may be case-sensitive).
public struct EmailExtractor: EntityExtractor {
    static let pattern = Pattern(#"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"#)

    public init() {}

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        Self.pattern.matches(in: text).map { match in
            let address = text.text(match.range)
            let parts = address.split(separator: "@", maxSplits: 1)
            return EntityCandidate(entity: "email", range: match.range, value: .object(["value": .string("\(parts[0])@\(parts[1].lowercased())")]))
        }
    }
}
