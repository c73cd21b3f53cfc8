/// `ordinal`: `1st`, `22nd`, `third`, `twenty-first`.
public struct OrdinalExtractor: EntityExtractor {
    static let unitOrdinals = [
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
        "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
        "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    ]
    static let tenOrdinals = [
        "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
        "eightieth": 80, "ninetieth": 90,
    ]

    static let pattern: Pattern = {
        let tens = NumberGrammar.tens.keys.sorted { $0.count > $1.count }.joined(separator: "|")
        let words = (Array(unitOrdinals.keys) + Array(tenOrdinals.keys)).sorted { $0.count > $1.count }.joined(separator: "|")
        let compound = "(?:\(tens))[- ](?:\(unitOrdinals.keys.filter { unitOrdinals[$0]! < 10 }.joined(separator: "|")))"
        return Pattern(#"(?<![\w.])\d+(?:st|nd|rd|th)\b|\b(?:\#(compound)|\#(words))\b"#)
    }()

    public init() {}

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        Self.pattern.matches(in: text).compactMap { match in
            guard let value = Self.value(of: text.text(match.range)) else { return nil }
            return EntityCandidate(entity: "ordinal", range: match.range, value: .value(Double(value)))
        }
    }

    /// The number an ordinal (`3rd`, `twenty-first`) stands for.
    static func value(of text: String) -> Int? {
        let lowered = text.lowercased()
        if let digits = Int(lowered.prefix { $0.isASCII && $0.isNumber }), !lowered.isEmpty, lowered.first!.isNumber { return digits }
        if let value = unitOrdinals[lowered] ?? tenOrdinals[lowered] { return value }
        let parts = lowered.split(whereSeparator: { $0 == "-" || $0 == " " }).map(String.init)
        guard parts.count == 2, let ten = NumberGrammar.tens[parts[0]], let unit = unitOrdinals[parts[1]] else { return nil }
        return ten + unit
    }
}
