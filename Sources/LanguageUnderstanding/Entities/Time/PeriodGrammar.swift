import Foundation

/// Times said relative to now or as parts of days: `in 2 hours`, `3 days ago`, `now`,
/// `next week`, `this weekend`, `tonight`, `tomorrow morning`, `in the evening`.
enum PeriodGrammar {
    static let relative = [
        Pattern(#"\b(?<dir>in)\s+(?<d>\#(DurationExtractor.durationPattern))"#),
        Pattern(#"(?<d>\#(DurationExtractor.durationPattern))\s+(?<dir>ago|from\s+now|later)\b"#),
    ]
    static let now = Pattern(#"\b(?:right\s+)?now\b"#)
    static let period = Pattern(#"\b(?<mod>this|next|last|the|coming)\s+(?<unit>week|month|year|weekend)\b"#)
    static let dayPart = Pattern(
        #"\b(?:(?<tonight>tonight)|(?<last>last)\s+night|(?<day>\#(DayGrammar.namedDay)|this)\s+(?<part>morning|afternoon|evening|night))\b"#
    )
    static let partOfDay = Pattern(#"\b(?:in\s+the\s+(?<part>morning|afternoon|evening)|at\s+(?<night>night))\b"#)

    static func pieces(in text: ScannedText, context: ExtractionContext) -> [TimePiece] {
        var pieces: [TimePiece] = []
        let calendar = context.calendar
        let reference = context.referenceTime
        for match in relative.flatMap({ $0.matches(in: text) }) {
            guard let span = match["d"], let terms = DurationExtractor.terms(of: span) else { continue }
            let sign = match["dir"]?.lowercased() == "ago" ? -1 : 1
            if let value = shifted(reference, by: terms, sign: sign, calendar: calendar) {
                pieces.append(TimePiece(range: match.range, kind: .complete(value), confidence: 1))
            }
        }
        for match in now.matches(in: text) {
            pieces.append(TimePiece(range: match.range, kind: .complete(TimeValue(kind: .instant(reference), grain: .second)), confidence: 1))
        }
        for match in period.matches(in: text) {
            guard let modifier = match["mod"]?.lowercased(), let unit = match["unit"]?.lowercased(),
                let value = period(unit, modifier: modifier, context: context)
            else { continue }
            pieces.append(TimePiece(range: match.range, kind: .complete(value), confidence: 1))
        }
        for match in dayPart.matches(in: text) {
            let today = calendar.startOfDay(for: reference)
            if match["tonight"] != nil {
                pieces.append(TimePiece(range: match.range, kind: .dayPart(today, .night), confidence: 1))
            } else if match["last"] != nil, let yesterday = calendar.date(byAdding: .day, value: -1, to: today) {
                pieces.append(TimePiece(range: match.range, kind: .dayPart(yesterday, .night), confidence: 1))
            } else if let dayText = match["day"], let part = match["part"].flatMap({ PartOfDay(rawValue: $0.lowercased()) }) {
                guard let day = dayText.lowercased() == "this" ? today : DayGrammar.named(text: dayText, context: context) else { continue }
                pieces.append(TimePiece(range: match.range, kind: .dayPart(day, part), confidence: 1))
            }
        }
        for match in partOfDay.matches(in: text) {
            guard let part = (match["part"] ?? match["night"]).flatMap({ PartOfDay(rawValue: $0.lowercased()) }) else { continue }
            pieces.append(TimePiece(range: match.range, kind: .partOfDay(part), confidence: 1))
        }
        return pieces
    }

    /// `reference` moved by each term: units below a day by their length (so `in 2 hours`
    /// stays two real hours across a DST change), days and longer on the calendar, to the
    /// start of the resulting day.
    static func shifted(_ reference: Date, by terms: [(quantity: Double, unit: TimeUnit)], sign: Int, calendar: Calendar) -> TimeValue? {
        var date = reference
        var finest = TimeGrain.year
        for (quantity, unit) in terms {
            finest = min(finest, unit.grain)
            if unit.seconds < TimeUnit.day.seconds || quantity != quantity.rounded() {
                date = date.addingTimeInterval(Double(sign) * quantity * unit.seconds)
            } else if let moved = calendar.date(byAdding: unit.component, value: sign * Int(quantity), to: date) {
                date = moved
            } else {
                return nil
            }
        }
        if finest >= .day { return TimeValue(kind: .instant(calendar.startOfDay(for: date)), grain: .day) }
        if finest >= .minute, let minute = calendar.dateInterval(of: .minute, for: date)?.start {
            return TimeValue(kind: .instant(minute), grain: finest)
        }
        return TimeValue(kind: .instant(date), grain: finest)
    }

    /// `this`/`next`/`last` week (Monday to Monday), month or year, and weekends (Saturday to Monday).
    static func period(_ unit: String, modifier: String, context: ExtractionContext) -> TimeValue? {
        let calendar = context.calendar
        let step = modifier == "next" ? 1 : modifier == "last" ? -1 : 0
        if unit == "weekend" {
            let today = calendar.startOfDay(for: context.referenceTime)
            let weekday = calendar.component(.weekday, from: today)
            // Saturday of the weekend under way, or of the coming one.
            let toSaturday = weekday == 1 ? -1 : 7 - weekday
            guard let saturday = calendar.date(byAdding: .day, value: toSaturday + 7 * step, to: today),
                let monday = calendar.date(byAdding: .day, value: 2, to: saturday)
            else { return nil }
            return TimeValue(kind: .interval(from: saturday, to: monday), grain: .day)
        }
        let component: Calendar.Component = unit == "week" ? .weekOfYear : unit == "month" ? .month : .year
        guard let moved = calendar.date(byAdding: component, value: step, to: context.referenceTime),
            let interval = calendar.dateInterval(of: component, for: moved)
        else { return nil }
        let grain: TimeGrain = unit == "week" ? .week : unit == "month" ? .month : .year
        return TimeValue(kind: .interval(from: interval.start, to: interval.end), grain: grain)
    }
}
