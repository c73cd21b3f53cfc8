import Foundation

/// How days are said: `today`, `next Friday`, `March 3rd`, `3 March 2027`, `2026-03-03`,
/// `3/4` (month first where the time zone is North American, else day first; less
/// confident when both readings are dates). A date without a year is the next one to come.
enum DayGrammar {
    static let weekdays = [
        "sunday": 1, "monday": 2, "tuesday": 3, "wednesday": 4, "thursday": 5, "friday": 6, "saturday": 7,
        "tues": 3, "thurs": 5,
    ]
    static let months = [
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
        "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6,
        "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    ]

    static let weekdayNames = weekdays.keys.sorted { $0.count > $1.count }.joined(separator: "|")
    static let monthNames = months.keys.sorted { $0.count > $1.count }.joined(separator: "|")
    /// A relative day or a weekday, as a fragment other patterns embed.
    static let namedDay =
        #"(?:(?:the\s+)?day\s+after\s+tomorrow|(?:the\s+)?day\s+before\s+yesterday|today|tomorrow|tmrw|yesterday|(?:(?:this|next|last|coming)\s+)?(?:\#(weekdayNames)))"#

    static let patterns: [Pattern] = [
        Pattern(#"\b\#(namedDay)\b"#),
        Pattern(#"\b(?<month>\#(monthNames))\.?\s+(?<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?<year>\d{4}))?\b"#),
        Pattern(#"\b(?:the\s+)?(?<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?<month>\#(monthNames))\b(?:,?\s+(?<year>\d{4})\b)?"#),
        Pattern(#"(?<![\w.:/-])(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})(?![\w:/-])"#),
        Pattern(#"(?<![\w.:/-])(?<first>\d{1,2})/(?<second>\d{1,2})(?:/(?<year>\d{4}|\d{2}))?(?![\w.:/-])"#),
    ]

    static func pieces(in text: ScannedText, context: ExtractionContext) -> [TimePiece] {
        patterns.flatMap { pattern in
            pattern.matches(in: text).compactMap { match -> TimePiece? in
                guard let (day, confidence) = resolve(match, context: context) else { return nil }
                return TimePiece(range: match.range, kind: .day(day), confidence: confidence)
            }
        }
    }

    private static func resolve(_ match: Match, context: ExtractionContext) -> (Date, Double)? {
        if let monthText = match["month"], let dayText = match["day"], let day = Int(dayText) {
            guard let month = months[monthText.lowercased()] ?? Int(monthText) else { return nil }
            return date(month: month, day: day, year: match["year"].flatMap { Int($0) }, context: context).map { ($0, 1) }
        }
        if let firstText = match["first"], let secondText = match["second"], let first = Int(firstText), let second = Int(secondText) {
            let monthFirst = PhoneNumberExtractor.callingCodes[context.timeZone.identifier] == "1"
            var (month, day) = monthFirst ? (first, second) : (second, first)
            // A reading with a 13th month is not a reading: take the other one.
            if month > 12, day <= 12 { (month, day) = (day, month) }
            let ambiguous = first <= 12 && second <= 12 && first != second
            let year = match["year"].flatMap { Int($0) }.map { $0 < 100 ? 2000 + $0 : $0 }
            return date(month: month, day: day, year: year, context: context).map { ($0, ambiguous ? 0.6 : 1) }
        }
        return named(text: match.text.text(match.range), context: context).map { ($0, 1) }
    }

    /// The start of a day said by name: `tomorrow`, `next friday`, `the day after tomorrow`.
    /// A bare or `next` weekday is the first one after today (`next Monday` said on a Monday
    /// is a week away), `this` one may be today, `last` one is before today.
    static func named(text: String, context: ExtractionContext) -> Date? {
        let calendar = context.calendar
        let today = calendar.startOfDay(for: context.referenceTime)
        let words = text.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        let phrase = words.filter { $0 != "the" }.joined(separator: " ")
        let offsets = ["today": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1, "day after tomorrow": 2, "day before yesterday": -2]
        if let offset = offsets[phrase] { return calendar.date(byAdding: .day, value: offset, to: today) }
        guard let name = words.last, let weekday = weekdays[name] else { return nil }
        let modifier = words.count > 1 ? words[words.count - 2] : nil
        let current = calendar.component(.weekday, from: today)
        let ahead = (weekday - current + 7) % 7
        let offset: Int
        switch modifier {
        case "this": offset = ahead
        case "last": offset = ahead == 0 ? -7 : ahead - 7
        default: offset = ahead == 0 ? 7 : ahead
        }
        return calendar.date(byAdding: .day, value: offset, to: today)
    }

    /// The start of a calendar date; without a year, the next such date from today on.
    static func date(month: Int, day: Int, year: Int?, context: ExtractionContext) -> Date? {
        let calendar = context.calendar
        let today = calendar.startOfDay(for: context.referenceTime)
        func make(_ year: Int) -> Date? {
            let components = DateComponents(year: year, month: month, day: day)
            guard components.isValidDate(in: calendar) else { return nil }
            return calendar.date(from: components)
        }
        if let year { return make(year) }
        let thisYear = calendar.component(.year, from: today)
        if let date = make(thisYear), date >= today { return date }
        return make(thisYear + 1) ?? make(thisYear + 2) ?? make(thisYear + 3) ?? make(thisYear + 4)
    }
}
