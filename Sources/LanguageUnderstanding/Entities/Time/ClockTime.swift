/// A time of day as said: `3pm`, `at 9:30`, `15:00`, `noon`, before it is placed on a day.
struct ClockTime: Sendable {
    enum Meridiem: Sendable { case am, pm }

    let hour: Int
    let minute: Int
    let meridiem: Meridiem?
    /// Written as a 24-hour time (`15:00`, `09:30`), so no am/pm guess applies.
    let twentyFourHour: Bool

    init?(hour: Int, minute: Int = 0, meridiem: Meridiem? = nil, twentyFourHour: Bool = false) {
        guard (0...59).contains(minute), meridiem == nil ? (0...24).contains(hour) : (1...12).contains(hour) else { return nil }
        self.hour = hour
        self.minute = minute
        self.meridiem = meridiem
        self.twentyFourHour = twentyFourHour || hour > 12 || hour == 0
    }

    init?(hourText: String, minuteText: String?, meridiemText: String?) {
        guard let hour = Int(hourText) else { return nil }
        let minute = minuteText.flatMap { Int($0) } ?? 0
        let meridiem = meridiemText.map { $0.lowercased().hasPrefix("p") ? Meridiem.pm : .am }
        self.init(hour: hour, minute: minute, meridiem: meridiem, twentyFourHour: hourText.count == 2 && hourText.hasPrefix("0"))
    }

    /// The hour on a 24-hour clock. Without am/pm, `hint` (from `tonight`, `in the morning`)
    /// decides; failing that, 1 to 6 o'clock are taken as afternoon hours, the rest as said.
    func hour24(hint: Meridiem? = nil) -> Int {
        if let meridiem = meridiem ?? (twentyFourHour ? nil : hint) {
            return meridiem == .pm ? hour % 12 + 12 : hour % 12
        }
        if twentyFourHour { return hour % 24 }
        return (1...6).contains(hour) ? hour + 12 : hour
    }

    var grain: TimeGrain { minute == 0 ? .hour : .minute }
}

/// A part of a day: `morning` (6–12), `afternoon` (12–18), `evening` and `night` (18–24).
enum PartOfDay: String, Sendable {
    case morning, afternoon, evening, night

    var hours: (from: Int, to: Int) {
        switch self {
        case .morning: (6, 12)
        case .afternoon: (12, 18)
        case .evening, .night: (18, 24)
        }
    }

    var meridiem: ClockTime.Meridiem { self == .morning ? .am : .pm }
}
