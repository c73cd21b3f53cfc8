import Foundation

/// A fragment of a time expression found on its own (`tomorrow`, `at 3pm`, `from 9 to 5`);
/// the ``TimeExtractor`` joins adjacent fragments (`tomorrow at 3pm`) before resolving them.
struct TimePiece: Sendable {
    enum Kind: Sendable {
        /// A calendar day, at its start.
        case day(Date)
        /// A day and a part of it: `tonight`, `tomorrow morning`.
        case dayPart(Date, PartOfDay)
        /// A part of a day with no day: `in the evening`, `at night`.
        case partOfDay(PartOfDay)
        case clock(ClockTime)
        case clockRange(ClockTime, ClockTime)
        /// A value complete in itself that joins nothing: `in 2 hours`, `next week`.
        case complete(TimeValue)
    }

    let range: NSRange
    let kind: Kind
    let confidence: Double
}
