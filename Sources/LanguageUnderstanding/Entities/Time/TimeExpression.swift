import Foundation

/// Adjacent fragments of one time expression, at most one of each kind (a day, a part of a
/// day, a time of day or a range of them), resolved together.
struct TimeExpression: Sendable {
    var day: Date?
    var part: PartOfDay?
    var clock: ClockTime?
    var clockRange: (from: ClockTime, to: ClockTime)?
    var complete: TimeValue?
    var confidence: Double

    init?(_ piece: TimePiece) {
        confidence = piece.confidence
        switch piece.kind {
        case .day(let date): day = date
        case .dayPart(let date, let part): (day, self.part) = (date, part)
        case .partOfDay(let part): self.part = part
        case .clock(let clock): self.clock = clock
        case .clockRange(let from, let to): clockRange = (from, to)
        case .complete(let value): complete = value
        }
    }

    /// This expression with `piece` added, or nil when it says something this one already says.
    func joining(_ piece: TimePiece) -> TimeExpression? {
        guard complete == nil, var added = TimeExpression(piece), added.complete == nil else { return nil }
        if day != nil, added.day != nil { return nil }
        if part != nil, added.part != nil { return nil }
        if clock != nil || clockRange != nil, added.clock != nil || added.clockRange != nil { return nil }
        added.day = day ?? added.day
        added.part = part ?? added.part
        added.clock = clock ?? added.clock
        added.clockRange = clockRange ?? added.clockRange
        added.confidence = min(confidence, added.confidence)
        return added
    }

    func resolve(_ context: ExtractionContext) -> TimeValue? {
        if let complete { return complete }
        let calendar = context.calendar
        let today = calendar.startOfDay(for: context.referenceTime)
        let hint = part?.meridiem
        if let (fromClock, toClock) = clockRange {
            let base = day ?? today
            guard let from = Self.place(fromClock, on: base, hint: hint, calendar: calendar),
                var to = Self.place(toClock, on: base, hint: hint, calendar: calendar)
            else { return nil }
            // "from 9 to 5" ends in the afternoon; "from 10pm to 2am" ends the next day.
            if to <= from, toClock.meridiem == nil, !toClock.twentyFourHour, toClock.hour24(hint: hint) < 12 {
                to = to.addingTimeInterval(12 * 3_600)
            }
            if to <= from, let nextDay = calendar.date(byAdding: .day, value: 1, to: to) { to = nextDay }
            return TimeValue(kind: .interval(from: from, to: to), grain: min(fromClock.grain, toClock.grain))
        }
        if let clock {
            if let day { return Self.place(clock, on: day, hint: hint, calendar: calendar).map { TimeValue(kind: .instant($0), grain: clock.grain) } }
            guard var date = Self.place(clock, on: today, hint: hint, calendar: calendar) else { return nil }
            if date <= context.referenceTime, let tomorrow = calendar.date(byAdding: .day, value: 1, to: today) {
                date = Self.place(clock, on: tomorrow, hint: hint, calendar: calendar) ?? date
            }
            return TimeValue(kind: .instant(date), grain: clock.grain)
        }
        if let part {
            let base = day ?? today
            guard let from = Self.atHour(part.hours.from, on: base, calendar: calendar),
                let to = Self.atHour(part.hours.to, on: base, calendar: calendar)
            else { return nil }
            return TimeValue(kind: .interval(from: from, to: to), grain: .hour)
        }
        if let day { return TimeValue(kind: .instant(day), grain: .day) }
        return nil
    }

    /// `clock` on the day starting at `day`, as the wall clock there reads (a time that a DST
    /// change skips moves forward by the gap).
    static func place(_ clock: ClockTime, on day: Date, hint: ClockTime.Meridiem?, calendar: Calendar) -> Date? {
        let hour = clock.hour24(hint: hint)
        if hour == 24 { return calendar.date(byAdding: .day, value: 1, to: day) }
        var components = calendar.dateComponents([.year, .month, .day], from: day)
        components.hour = hour
        components.minute = clock.minute
        return calendar.date(from: components)
    }

    /// The wall-clock hour `hour` (0–24) of the day starting at `day`.
    static func atHour(_ hour: Int, on day: Date, calendar: Calendar) -> Date? {
        if hour == 24 { return calendar.date(byAdding: .day, value: 1, to: day) }
        return place(ClockTime(hour: hour, twentyFourHour: true)!, on: day, hint: nil, calendar: calendar)
    }
}
