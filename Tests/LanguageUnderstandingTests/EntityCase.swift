import Foundation
import LanguageUnderstanding
import Testing

/// One row of an entity table: a text said at a reference time in a time zone, and the
/// entity expected in it (its kind, its text, its value as sorted JSON).
struct EntityCase: CustomTestStringConvertible, Sendable {
    /// Wednesday 4 March 2026, 10:00 in New York (standard time; DST starts Sunday 8 March).
    static let wednesday = "2026-03-04T10:00:00-05:00"
    /// Monday 9 March 2026, 09:00 in New York, the first Monday of daylight saving time.
    static let monday = "2026-03-09T09:00:00-04:00"
    /// Saturday 7 March 2026, noon in New York, the day before clocks go forward.
    static let beforeSpringForward = "2026-03-07T12:00:00-05:00"
    /// Saturday 31 October 2026, noon in New York, the day before clocks go back.
    static let beforeFallBack = "2026-10-31T12:00:00-04:00"
    /// Saturday 28 March 2026, 10:00 in Berlin, the day before clocks go forward there.
    static let berlinSaturday = "2026-03-28T10:00:00+01:00"

    let text: String
    let entity: String
    let span: String
    let value: String
    let reference: String
    let zone: String
    let confidence: Double?

    init(
        _ text: String,
        _ entity: String,
        _ span: String,
        _ value: String,
        at reference: String = wednesday,
        in zone: String = "America/New_York",
        confidence: Double? = nil
    ) {
        self.text = text
        self.entity = entity
        self.span = span
        self.value = value
        self.reference = reference
        self.zone = zone
        self.confidence = confidence
    }

    var testDescription: String { "\"\(text)\" in \(zone) at \(reference)" }

    var context: ExtractionContext {
        ExtractionContext(referenceTime: ISO8601DateFormatter().date(from: reference)!, timeZone: TimeZone(identifier: zone)!)
    }

    static func json(_ value: EntityValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// `{"type":"value","value":…,"grain":…}` in sorted JSON.
    static func instant(_ value: String, _ grain: String) -> String {
        #"{"grain":"\#(grain)","type":"value","value":"\#(value)"}"#
    }

    static func interval(_ from: String, _ to: String, _ grain: String) -> String {
        #"{"from":"\#(from)","grain":"\#(grain)","to":"\#(to)","type":"interval"}"#
    }
}
