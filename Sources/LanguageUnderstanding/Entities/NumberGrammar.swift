import Foundation

/// How numbers are written, shared by every dimension that contains one (money, percentages,
/// durations, relative times): pattern fragments to embed, and the parser of what they match.
enum NumberGrammar {
    static let units = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
        "eighteen": 18, "nineteen": 19,
    ]
    static let tens = ["twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90]
    static let scales = ["hundred": 100.0, "thousand": 1_000.0, "million": 1_000_000.0, "billion": 1_000_000_000.0]
    /// Suffixes after digits: `1.5k`, `3 million`.
    static let digitScales = [
        "k": 1_000.0, "thousand": 1_000.0, "million": 1_000_000.0, "mln": 1_000_000.0, "bn": 1_000_000_000.0, "billion": 1_000_000_000.0,
    ]

    private static func alternation(_ words: some Sequence<String>) -> String {
        // Longest first, so that "seventeen" is not read as "seven".
        words.sorted { $0.count > $1.count }.joined(separator: "|")
    }

    /// Digits with optional thousands separators, decimals and a scale: `1,200.50`, `1.5k`.
    static let digits = #"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?(?:k|thousand|million|mln|bn|billion)\b)?(?![\w])"#
    static let smallWord: String = {
        let tensWords = alternation(tens.keys)
        let digitWords = alternation(units.keys.filter { units[$0]! < 10 && $0 != "zero" })
        return "(?:(?:\(tensWords))(?:[- ](?:\(digitWords)))?|\(alternation(units.keys)))"
    }()
    /// Words: `twenty-five`, `three hundred and twelve`, `two thousand`.
    static let words =
        #"\b\#(smallWord)(?:\s+(?:hundred|thousand|million|billion))?(?:(?:\s+and)?\s+\#(smallWord)(?:\s+(?:hundred|thousand|million|billion))?)*\b"#
    /// Either form.
    static let number = "(?:\(digits)|\(words))"

    /// The value of a match of ``number``.
    static func value(of text: String) -> Double? {
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        if let first = lowered.unicodeScalars.first, CharacterSet.decimalDigits.contains(first) {
            return digitValue(lowered)
        }
        return wordValue(lowered)
    }

    private static func digitValue(_ text: String) -> Double? {
        var body = text.replacingOccurrences(of: ",", with: "")
        var scale = 1.0
        for (suffix, factor) in digitScales where body.hasSuffix(suffix) {
            let stripped = body.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            if Double(stripped) != nil {
                body = stripped
                scale = factor
                break
            }
        }
        return Double(body).map { $0 * scale }
    }

    private static func wordValue(_ text: String) -> Double? {
        var total = 0.0
        var current = 0.0
        var sawNumber = false
        for word in text.split(whereSeparator: { $0 == " " || $0 == "-" }).map(String.init) where word != "and" {
            if let unit = units[word] {
                current += Double(unit)
            } else if let ten = tens[word] {
                current += Double(ten)
            } else if word == "hundred" {
                current = max(current, 1) * 100
            } else if let scale = scales[word] {
                total += max(current, 1) * scale
                current = 0
            } else {
                return nil
            }
            sawNumber = true
        }
        return sawNumber ? total + current : nil
    }
}
