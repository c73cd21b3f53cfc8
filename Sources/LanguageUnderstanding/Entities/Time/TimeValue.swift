import Foundation

/// A resolved time: an instant to some grain, or an interval whose `to` is exclusive
/// (`from 9 to 5` ends at 17:00, `Monday to Friday` at the start of Saturday).
struct TimeValue: Sendable {
    enum Kind: Sendable {
        case instant(Date)
        case interval(from: Date, to: Date)
    }

    let kind: Kind
    let grain: TimeGrain

    var start: Date {
        switch kind {
        case .instant(let date): date
        case .interval(let from, _): from
        }
    }

    /// Where the value ends when it closes an interval: a day said as the end of a range counts whole.
    func end(in calendar: Calendar) -> Date {
        switch kind {
        case .interval(_, let to): return to
        case .instant(let date):
            guard grain >= .day else { return date }
            return calendar.date(byAdding: .day, value: 1, to: date) ?? date
        }
    }

    /// `{type: "value", value, grain}` or `{type: "interval", from, to, grain}`, in ISO 8601 with the speaker's offset.
    func entityValue(in timeZone: TimeZone) -> EntityValue {
        let style = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: timeZone)
        switch kind {
        case .instant(let date):
            return .object(["type": .string("value"), "value": .string(date.formatted(style)), "grain": .string(grain.rawValue)])
        case .interval(let from, let to):
            return .object([
                "type": .string("interval"), "from": .string(from.formatted(style)), "to": .string(to.formatted(style)),
                "grain": .string(grain.rawValue),
            ])
        }
    }
}
