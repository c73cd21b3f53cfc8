import Foundation

/// `phone_number`: international (`+44 20 7946 0958`, `0044…`) and national numbers
/// (`(415) 555-2671`, `020 7946 0958`). The value is E.164 when the country is clear, from
/// the number itself or from the speaker's time zone; otherwise the digits as written.
public struct PhoneNumberExtractor: EntityExtractor {
    static let pattern = Pattern(#"(?<![\w+])(?:\+|00)?\(?\d[\d ().-]{5,}\d(?![\w])"#)
    static let isoDate = Pattern(#"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$"#)

    /// Calling codes of time zones whose country is unambiguous.
    static let callingCodes: [String: String] = {
        var codes: [String: String] = [:]
        for zone in [
            "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
            "America/Anchorage", "America/Detroit", "America/Boise", "Pacific/Honolulu", "America/Toronto", "America/Vancouver",
            "America/Edmonton", "America/Winnipeg", "America/Halifax", "US/Eastern", "US/Central", "US/Mountain", "US/Pacific",
        ] {
            codes[zone] = "1"
        }
        let others = [
            "Europe/London": "44", "Europe/Dublin": "353", "Europe/Berlin": "49", "Europe/Paris": "33", "Europe/Madrid": "34",
            "Europe/Rome": "39", "Europe/Amsterdam": "31", "Europe/Brussels": "32", "Europe/Zurich": "41", "Europe/Vienna": "43",
            "Europe/Stockholm": "46", "Europe/Oslo": "47", "Europe/Copenhagen": "45", "Europe/Warsaw": "48", "Europe/Lisbon": "351",
            "Australia/Sydney": "61", "Australia/Melbourne": "61", "Asia/Tokyo": "81", "Asia/Kolkata": "91", "Asia/Singapore": "65",
        ]
        codes.merge(others) { first, _ in first }
        return codes
    }()

    public init() {}

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        Self.pattern.matches(in: text).compactMap { match in
            let written = text.text(match.range)
            guard !Self.isoDate.matchesWhole(written) else { return nil }
            let digits = written.filter { $0.isASCII && $0.isNumber }
            guard (7...15).contains(digits.count) else { return nil }
            // A separator-free run without a prefix is more likely a plain number (an id, an amount).
            let international = written.hasPrefix("+") || written.hasPrefix("00")
            guard international || written.contains(where: { " ().-".contains($0) }) || digits.count >= 10 else { return nil }
            let (value, confidence) = Self.normalise(digits: String(digits), international: international, context: context)
            return EntityCandidate(entity: "phone_number", range: match.range, value: .object(["value": .string(value)]), confidence: confidence)
        }
    }

    static func normalise(digits: String, international: Bool, context: ExtractionContext) -> (String, Double) {
        if international { return ("+" + (digits.hasPrefix("00") ? String(digits.dropFirst(2)) : digits), 1) }
        guard let code = callingCodes[context.timeZone.identifier] else { return (digits, 0.7) }
        if code == "1" {
            if digits.count == 10 { return ("+1" + digits, 0.9) }
            if digits.count == 11, digits.hasPrefix("1") { return ("+" + digits, 0.9) }
            return (digits, 0.7)
        }
        // Outside North America a national number starts with the trunk prefix 0.
        guard digits.hasPrefix("0"), !digits.hasPrefix("00") else { return (digits, 0.7) }
        return ("+" + code + digits.dropFirst(), 0.9)
    }
}
