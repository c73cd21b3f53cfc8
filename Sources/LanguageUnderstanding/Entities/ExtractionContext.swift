import Foundation

/// What relative expressions are resolved against: the moment the text was said and the
/// speaker's time zone (weeks start on Monday).
public struct ExtractionContext: Sendable {
    public let referenceTime: Date
    public let timeZone: TimeZone
    public let calendar: Calendar

    public init(referenceTime: Date, timeZone: TimeZone) {
        self.referenceTime = referenceTime
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        self.calendar = calendar
    }
}
