/// `amount_of_money`: a currency symbol, code or word before or after a number
/// (`$20`, `20 euros`, `EUR 1,200.50`, `£3.5k`, `50 cents`), as `{value, unit}` with an ISO 4217 unit.
public struct AmountOfMoneyExtractor: EntityExtractor {
    static let symbols = ["$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"]
    static let codes = ["usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "inr", "cny", "sek", "nok", "dkk", "pln"]
    static let words = [
        "dollars": "USD", "dollar": "USD", "bucks": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
        "pound": "GBP", "quid": "GBP", "yen": "JPY", "francs": "CHF", "rupees": "INR", "cents": "USD", "cent": "USD",
    ]

    static let pattern: Pattern = {
        let symbol = #"(?:US\$|\$|€|£|¥|₹)"#
        let code = codes.joined(separator: "|")
        let word = words.keys.sorted { $0.count > $1.count }.joined(separator: "|")
        let number = NumberGrammar.number
        return Pattern(
            #"(?<pre>\#(symbol))\s?(?<n1>\#(number))|\b(?<code1>\#(code))\s?(?<n2>\#(number))|(?<n3>\#(number))\s?(?:(?<post>\#(symbol))|(?<code2>\#(code))\b|(?<word>\#(word))\b)"#
        )
    }()

    public init() {}

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        Self.pattern.matches(in: text).compactMap { match in
            guard let numberText = match["n1"] ?? match["n2"] ?? match["n3"], var value = NumberGrammar.value(of: numberText) else { return nil }
            let unit: String
            if let symbol = match["pre"] ?? match["post"], let code = Self.symbols[symbol.lowercased()] {
                unit = code
            } else if let code = match["code1"] ?? match["code2"] {
                unit = code.uppercased()
            } else if let word = match["word"]?.lowercased(), let code = Self.words[word] {
                unit = code
                if word.hasPrefix("cent") { value /= 100 }
            } else {
                return nil
            }
            return EntityCandidate(entity: "amount_of_money", range: match.range, value: .object(["value": .number(value), "unit": .string(unit)]))
        }
    }
}
