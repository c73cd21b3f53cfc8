import Foundation

/// How times of day are said: `3pm`, `at 9:30`, `15:00`, `at 7 o'clock`, `noon`, `half past 4`,
/// and ranges `from 9 to 5`, `between 2 and 4pm`, `9-11am`. A bare number is a time only
/// after `at` or inside a range, so `3 people` stays a number.
enum ClockGrammar {
    static let meridiem = #"(?:a\.m\.|p\.m\.|am\b|pm\b|a\.m\b|p\.m\b)"#
    static let hourWords = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12,
    ]
    static let hourWordNames = hourWords.keys.sorted { $0.count > $1.count }.joined(separator: "|")
    /// What may follow a bare hour that is not a time: units, percentages, amounts.
    static let notAfterBareHour =
        #"(?![\d%:]|[.,]\d|\s*(?:%|percent|hours?|hrs?|minutes?|mins?|days?|weeks?|months?|years?|people|persons?|times|items?)\b)"#

    static let clocks: [Pattern] = [
        Pattern(#"(?:\b(?:at|@)\s*)?(?<![\d.:])(?<h>\d{1,2})(?::(?<m>\d{2}))?\s*(?<mer>\#(meridiem))"#),
        Pattern(#"(?:\b(?:at|@)\s*)?(?<![\d.:])(?<h>\d{1,2}):(?<m>\d{2})(?![\d:])"#),
        Pattern(#"\b(?:at|@)\s*(?<h>\d{1,2})(?:\s*o'?clock\b)?\#(notAfterBareHour)"#),
        Pattern(#"\b(?:at\s+)?(?<hw>\#(hourWordNames))(?:\s+o'?clock\b|\s*(?<mer>\#(meridiem)))"#),
        Pattern(#"\bat\s+(?<hw>\#(hourWordNames))\b\#(notAfterBareHour)"#),
        Pattern(#"\b(?:at\s+)?(?<named>noon|midday|midnight)\b"#),
        Pattern(
            #"\b(?:at\s+)?(?<rel>half|quarter|\d{1,2})\s+(?<dir>past|after|to|before)\s+(?:(?<h>\d{1,2})|(?<hw>\#(hourWordNames)))\b(?:\s*(?<mer>\#(meridiem)))?"#
        ),
    ]

    static let ranges: [Pattern] = {
        let end = #"(?<h2>\d{1,2})(?::(?<m2>\d{2}))?\s*(?<mer2>\#(meridiem))?"#
        let start = #"(?<h1>\d{1,2})(?::(?<m1>\d{2}))?\s*(?<mer1>\#(meridiem))?"#
        return [
            Pattern(#"\b(?:from|between)\s+\#(start)\s*(?:to|until|till|and|-|–)\s*\#(end)(?![\w:])"#),
            Pattern(#"(?<![\w.:])\#(start)\s*(?:-|–|to)\s*(?<h2>\d{1,2})(?::(?<m2>\d{2}))?\s*(?<mer2>\#(meridiem))"#),
        ]
    }()

    static func pieces(in text: ScannedText) -> [TimePiece] {
        let clockPieces = clocks.flatMap { pattern in
            pattern.matches(in: text).compactMap { match in clock(match).map { TimePiece(range: match.range, kind: .clock($0), confidence: 1) } }
        }
        let rangePieces = ranges.flatMap { pattern in
            pattern.matches(in: text).compactMap { match -> TimePiece? in
                guard var from = ClockTime(hourText: match["h1"] ?? "", minuteText: match["m1"], meridiemText: match["mer1"]),
                    let to = ClockTime(hourText: match["h2"] ?? "", minuteText: match["m2"], meridiemText: match["mer2"])
                else { return nil }
                // "2 to 4pm" is afternoon throughout; "11 to 2pm" starts in the morning.
                if from.meridiem == nil, !from.twentyFourHour, let closing = to.meridiem {
                    let sameHalf = from.hour % 12 <= to.hour % 12
                    from = ClockTime(hour: from.hour, minute: from.minute, meridiem: sameHalf ? closing : (closing == .am ? .pm : .am)) ?? from
                }
                return TimePiece(range: match.range, kind: .clockRange(from, to), confidence: 1)
            }
        }
        return clockPieces + rangePieces
    }

    private static func clock(_ match: Match) -> ClockTime? {
        if let named = match["named"]?.lowercased() {
            return ClockTime(hour: named == "midnight" ? 0 : 12, twentyFourHour: true)
        }
        let hourText = match["h"] ?? match["hw"].flatMap { hourWords[$0.lowercased()] }.map(String.init)
        guard let hourText else { return nil }
        guard let relation = match["rel"]?.lowercased(), let direction = match["dir"]?.lowercased() else {
            return ClockTime(hourText: hourText, minuteText: match["m"], meridiemText: match["mer"])
        }
        guard let hour = Int(hourText) else { return nil }
        let minutes = relation == "half" ? 30 : relation == "quarter" ? 15 : Int(relation) ?? 0
        guard minutes < 60 else { return nil }
        let meridiem = match["mer"].map { $0.lowercased().hasPrefix("p") ? ClockTime.Meridiem.pm : .am }
        if direction == "past" || direction == "after" { return ClockTime(hour: hour, minute: minutes, meridiem: meridiem) }
        let previous = hour == 1 ? 12 : hour - 1
        return ClockTime(hour: previous, minute: 60 - minutes, meridiem: meridiem)
    }
}
