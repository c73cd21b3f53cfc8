import Foundation

/// A unit of time as durations and relative times write it, and its length; the lengths of
/// a month (30 days) and a year (365 days) are conventions of durations only, since relative
/// times add calendar units.
enum TimeUnit: CaseIterable, Sendable {
    case second, minute, hour, day, week, month, year

    var names: [String] {
        switch self {
        case .second: ["seconds", "second", "secs", "sec", "s"]
        case .minute: ["minutes", "minute", "mins", "min", "m"]
        case .hour: ["hours", "hour", "hrs", "hr", "h"]
        case .day: ["days", "day", "d"]
        case .week: ["weeks", "week", "wks", "wk", "w"]
        case .month: ["months", "month"]
        case .year: ["years", "year", "yrs", "yr"]
        }
    }

    var seconds: Double {
        switch self {
        case .second: 1
        case .minute: 60
        case .hour: 3_600
        case .day: 86_400
        case .week: 604_800
        case .month: 2_592_000
        case .year: 31_536_000
        }
    }

    var component: Calendar.Component {
        switch self {
        case .second: .second
        case .minute: .minute
        case .hour: .hour
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        case .year: .year
        }
    }

    var grain: TimeGrain {
        switch self {
        case .second: .second
        case .minute: .minute
        case .hour: .hour
        case .day: .day
        case .week: .week
        case .month: .month
        case .year: .year
        }
    }
}

/// How precise a time value is: `3pm` is to the hour, `March 3rd` to the day.
enum TimeGrain: String, Comparable, Sendable {
    case second, minute, hour, day, week, month, year

    private var rank: Int { [.second, .minute, .hour, .day, .week, .month, .year].firstIndex(of: self)! }

    static func < (left: TimeGrain, right: TimeGrain) -> Bool { left.rank < right.rank }
}
