import Foundation
import LanguageUnderstanding
import Testing

/// The built-in dimensions over fixed reference times and time zones, DST changes and
/// ambiguous dates included, and how overlapping candidates are decided.
@Suite struct EntityRecognizerTests {
    typealias Case = EntityCase

    static let times: [Case] = [
        Case("remind me tomorrow at 3pm", "time", "tomorrow at 3pm", Case.instant("2026-03-05T15:00:00-05:00", "hour")),
        Case("next Friday at 10am", "time", "next Friday at 10am", Case.instant("2026-03-06T10:00:00-05:00", "hour")),
        Case("call me in 2 hours", "time", "in 2 hours", Case.instant("2026-03-04T12:00:00-05:00", "hour")),
        Case("March 3rd at 9:30", "time", "March 3rd at 9:30", Case.instant("2027-03-03T09:30:00-05:00", "minute")),
        Case("on March 5th at 9:30", "time", "March 5th at 9:30", Case.instant("2026-03-05T09:30:00-05:00", "minute")),
        Case("the 5th of March 2027", "time", "the 5th of March 2027", Case.instant("2027-03-05T00:00:00-05:00", "day")),
        Case("what about tonight", "time", "tonight", Case.interval("2026-03-04T18:00:00-05:00", "2026-03-05T00:00:00-05:00", "hour")),
        Case("tonight at 8", "time", "tonight at 8", Case.instant("2026-03-04T20:00:00-05:00", "hour")),
        Case("I work from 9 to 5", "time", "from 9 to 5", Case.interval("2026-03-04T09:00:00-05:00", "2026-03-04T17:00:00-05:00", "hour")),
        Case("between 2 and 4pm", "time", "between 2 and 4pm", Case.interval("2026-03-04T14:00:00-05:00", "2026-03-04T16:00:00-05:00", "hour")),
        Case("from 10pm to 2am", "time", "from 10pm to 2am", Case.interval("2026-03-04T22:00:00-05:00", "2026-03-05T02:00:00-05:00", "hour")),
        Case("on Monday from 9 to 5", "time", "Monday from 9 to 5", Case.interval("2026-03-09T09:00:00-04:00", "2026-03-09T17:00:00-04:00", "hour")),
        Case(
            "out from Monday to Friday",
            "time",
            "from Monday to Friday",
            Case.interval("2026-03-09T00:00:00-04:00", "2026-03-14T00:00:00-04:00", "day")
        ),
        Case("3pm on Friday", "time", "3pm on Friday", Case.instant("2026-03-06T15:00:00-05:00", "hour")),
        Case("meet at 9", "time", "at 9", Case.instant("2026-03-05T09:00:00-05:00", "hour")),
        Case("meet at 3", "time", "at 3", Case.instant("2026-03-04T15:00:00-05:00", "hour")),
        Case("at 15:30", "time", "at 15:30", Case.instant("2026-03-04T15:30:00-05:00", "minute")),
        Case("tomorrow at noon", "time", "tomorrow at noon", Case.instant("2026-03-05T12:00:00-05:00", "hour")),
        Case("by midnight", "time", "midnight", Case.instant("2026-03-05T00:00:00-05:00", "hour")),
        Case("half past 4", "time", "half past 4", Case.instant("2026-03-04T16:30:00-05:00", "minute")),
        Case("at quarter to 5", "time", "at quarter to 5", Case.instant("2026-03-04T16:45:00-05:00", "minute")),
        Case("in 30 minutes", "time", "in 30 minutes", Case.instant("2026-03-04T10:30:00-05:00", "minute")),
        Case("in 3 days", "time", "in 3 days", Case.instant("2026-03-07T00:00:00-05:00", "day")),
        Case("2 hours ago", "time", "2 hours ago", Case.instant("2026-03-04T08:00:00-05:00", "hour")),
        Case("do it now", "time", "now", Case.instant("2026-03-04T10:00:00-05:00", "second")),
        Case("next week", "time", "next week", Case.interval("2026-03-09T00:00:00-04:00", "2026-03-16T00:00:00-04:00", "week")),
        Case("this weekend", "time", "this weekend", Case.interval("2026-03-07T00:00:00-05:00", "2026-03-09T00:00:00-04:00", "day")),
        Case("next month", "time", "next month", Case.interval("2026-04-01T00:00:00-04:00", "2026-05-01T00:00:00-04:00", "month")),
        Case("tomorrow morning", "time", "tomorrow morning", Case.interval("2026-03-05T06:00:00-05:00", "2026-03-05T12:00:00-05:00", "hour")),
        Case("at 8 in the evening", "time", "at 8 in the evening", Case.instant("2026-03-04T20:00:00-05:00", "hour")),
        Case("yesterday", "time", "yesterday", Case.instant("2026-03-03T00:00:00-05:00", "day")),
        Case("the day after tomorrow", "time", "the day after tomorrow", Case.instant("2026-03-06T00:00:00-05:00", "day")),
        Case("last Friday", "time", "last Friday", Case.instant("2026-02-27T00:00:00-05:00", "day")),
        Case("due 2026-03-08", "time", "2026-03-08", Case.instant("2026-03-08T00:00:00-05:00", "day")),
    ]

    /// Weekdays said on a Monday: `next Monday` is a week away, `this Monday` is today.
    static let weekdaysOnAMonday: [Case] = [
        Case("next Monday", "time", "next Monday", Case.instant("2026-03-16T00:00:00-04:00", "day"), at: Case.monday),
        Case("this Monday", "time", "this Monday", Case.instant("2026-03-09T00:00:00-04:00", "day"), at: Case.monday),
        Case("on Monday", "time", "Monday", Case.instant("2026-03-16T00:00:00-04:00", "day"), at: Case.monday),
        Case("last Monday", "time", "last Monday", Case.instant("2026-03-02T00:00:00-05:00", "day"), at: Case.monday),
        Case("next Tuesday", "time", "next Tuesday", Case.instant("2026-03-10T00:00:00-04:00", "day"), at: Case.monday),
    ]

    /// Wall-clock times keep their hour across a DST change; hours counted from now do not.
    static let daylightSavingTime: [Case] = [
        Case("tomorrow at 9am", "time", "tomorrow at 9am", Case.instant("2026-03-08T09:00:00-04:00", "hour"), at: Case.beforeSpringForward),
        Case("in 24 hours", "time", "in 24 hours", Case.instant("2026-03-08T13:00:00-04:00", "hour"), at: Case.beforeSpringForward),
        Case("tomorrow at 2:30am", "time", "tomorrow at 2:30am", Case.instant("2026-03-08T03:30:00-04:00", "minute"), at: Case.beforeSpringForward),
        Case("tomorrow", "time", "tomorrow", Case.instant("2026-03-08T00:00:00-05:00", "day"), at: Case.beforeSpringForward),
        Case(
            "tomorrow night",
            "time",
            "tomorrow night",
            Case.interval("2026-03-08T18:00:00-04:00", "2026-03-09T00:00:00-04:00", "hour"),
            at: Case.beforeSpringForward
        ),
        Case("tomorrow at 3pm", "time", "tomorrow at 3pm", Case.instant("2026-11-01T15:00:00-05:00", "hour"), at: Case.beforeFallBack),
        Case("in 24 hours", "time", "in 24 hours", Case.instant("2026-11-01T11:00:00-05:00", "hour"), at: Case.beforeFallBack),
        Case(
            "next week",
            "time",
            "next week",
            Case.interval("2026-03-30T00:00:00+02:00", "2026-04-06T00:00:00+02:00", "week"),
            at: Case.berlinSaturday,
            in: "Europe/Berlin"
        ),
        Case(
            "tomorrow at 10am",
            "time",
            "tomorrow at 10am",
            Case.instant("2026-03-29T10:00:00+02:00", "hour"),
            at: Case.berlinSaturday,
            in: "Europe/Berlin"
        ),
        Case("in 2 days", "time", "in 2 days", Case.instant("2026-03-30T00:00:00+02:00", "day"), at: Case.berlinSaturday, in: "Europe/Berlin"),
    ]

    /// Numeric dates read month first in North America and day first elsewhere, less
    /// confidently when both readings are dates.
    static let ambiguousDates: [Case] = [
        Case("on 3/4/2026", "time", "3/4/2026", Case.instant("2026-03-04T00:00:00-05:00", "day"), confidence: 0.6),
        Case("on 3/4/2026", "time", "3/4/2026", Case.instant("2026-04-03T00:00:00+01:00", "day"), in: "Europe/London", confidence: 0.6),
        Case("on 13/4/2026", "time", "13/4/2026", Case.instant("2026-04-13T00:00:00-04:00", "day"), confidence: 1),
        Case("on 4/13", "time", "4/13", Case.instant("2026-04-13T00:00:00+01:00", "day"), in: "Europe/London", confidence: 1),
    ]

    static let others: [Case] = [
        Case("for 2 hours and 30 minutes", "duration", "2 hours and 30 minutes", #"{"unit":"second","value":9000}"#),
        Case("took 1h30m", "duration", "1h30m", #"{"unit":"second","value":5400}"#),
        Case("half an hour", "duration", "half an hour", #"{"unit":"second","value":1800}"#),
        Case("an hour and a half", "duration", "an hour and a half", #"{"unit":"second","value":5400}"#),
        Case("90 min", "duration", "90 min", #"{"unit":"second","value":5400}"#),
        Case("3 weeks", "duration", "3 weeks", #"{"unit":"second","value":1814400}"#),
        Case("wait a second", "duration", "a second", #"{"unit":"second","value":1}"#),
        Case("twenty-five people", "number", "twenty-five", #"{"value":25}"#),
        Case("1.5k users", "number", "1.5k", #"{"value":1500}"#),
        Case("1,200 rows", "number", "1,200", #"{"value":1200}"#),
        Case("three hundred and twelve", "number", "three hundred and twelve", #"{"value":312}"#),
        Case("two thousand five hundred", "number", "two thousand five hundred", #"{"value":2500}"#),
        Case("about 3.75 of them", "number", "3.75", #"{"value":3.75}"#),
        Case("the 3rd time", "ordinal", "3rd", #"{"value":3}"#),
        Case("the twenty-first", "ordinal", "twenty-first", #"{"value":21}"#),
        Case("second attempt", "ordinal", "second", #"{"value":2}"#),
        Case("costs $20", "amount_of_money", "$20", #"{"unit":"USD","value":20}"#),
        Case("20 euros", "amount_of_money", "20 euros", #"{"unit":"EUR","value":20}"#),
        Case("EUR 1,200.50", "amount_of_money", "EUR 1,200.50", #"{"unit":"EUR","value":1200.5}"#),
        Case("£3.5k", "amount_of_money", "£3.5k", #"{"unit":"GBP","value":3500}"#),
        Case("fifty dollars", "amount_of_money", "fifty dollars", #"{"unit":"USD","value":50}"#),
        Case("50 cents", "amount_of_money", "50 cents", #"{"unit":"USD","value":0.5}"#),
        Case("20% off", "percentage", "20%", #"{"value":20}"#),
        Case("12.5 percent", "percentage", "12.5 percent", #"{"value":12.5}"#),
        Case("mail John.Doe@Example.COM now", "email", "John.Doe@Example.COM", #"{"value":"John.Doe@example.com"}"#),
        Case(
            "see https://example.com/docs, please",
            "url",
            "https://example.com/docs",
            #"{"domain":"example.com","value":"https://example.com/docs"}"#
        ),
        Case("go to www.swift.org.", "url", "www.swift.org", #"{"domain":"www.swift.org","value":"www.swift.org"}"#),
        Case("code at github.com/apple/swift", "url", "github.com/apple/swift", #"{"domain":"github.com","value":"github.com/apple/swift"}"#),
        Case("call +1 415 555 2671", "phone_number", "+1 415 555 2671", #"{"value":"+14155552671"}"#, confidence: 1),
        Case("call (415) 555-2671", "phone_number", "(415) 555-2671", #"{"value":"+14155552671"}"#, confidence: 0.9),
        Case("call 020 7946 0958", "phone_number", "020 7946 0958", #"{"value":"+442079460958"}"#, in: "Europe/London", confidence: 0.9),
        Case("call 030 1234567", "phone_number", "030 1234567", #"{"value":"+49301234567"}"#, in: "Europe/Berlin", confidence: 0.9),
        Case("call 020 7946 0958", "phone_number", "020 7946 0958", #"{"value":"02079460958"}"#, in: "UTC", confidence: 0.7),
        Case("call 0044 20 7946 0958", "phone_number", "0044 20 7946 0958", #"{"value":"+442079460958"}"#, confidence: 1),
    ]

    @Test(arguments: times + weekdaysOnAMonday + daylightSavingTime + ambiguousDates + others)
    func findsAndNormalises(_ row: Case) throws {
        let entities = EntityRecognizer.standard().entities(in: row.text, context: row.context)
        let found = try #require(entities.first { $0.entity == row.entity }, "no \(row.entity) in \(entities)")
        #expect(found.text == row.span)
        #expect(Case.json(found.value) == row.value)
        let scalars = Array(row.text.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[found.start..<found.end])) == found.text)
        if let confidence = row.confidence { #expect(found.confidence == confidence) }
    }

    /// The longest candidate wins; what it covers is not reported again.
    @Test(arguments: [
        ("costs $20", ["amount_of_money"]), ("in 2 hours", ["time"]), ("March 3rd", ["time"]), ("john@example.com", ["email"]),
        ("20% more", ["percentage"]), ("call 415-555-2671", ["phone_number"]), ("3 people", ["number"]), ("good morning", []),
        ("twenty-five dollars for 2 hours", ["amount_of_money", "duration"]), ("tomorrow at 3pm for 2 hours", ["time", "duration"]),
    ])
    func overlapsKeepTheLongestMatch(text: String, kinds: [String]) {
        let context = EntityCase(text, "", "", "").context
        #expect(EntityRecognizer.standard().entities(in: text, context: context).map(\.entity) == kinds)
    }

    @Test func offsetsCountUnicodeScalarsNotUTF16() throws {
        let text = "🎉 tomorrow at 3pm, cafe\u{301} at 5"
        let entities = EntityRecognizer.standard().entities(in: text, context: EntityCase(text, "", "", "").context)
        #expect(entities.map(\.start) == [2, 25])
        #expect(entities.map(\.end) == [17, 29])
    }

    @Test func modelRulesAddLookupAndPatternEntities() throws {
        let rules = EntityRules(lookups: ["team": ["Platform", "payments"]], regexes: ["ticket": "[A-Z]+-\\d+"])
        let text = "page the platform team about OPS-123 at 3pm"
        let entities = EntityRecognizer.standard(adding: rules.extractors()).entities(in: text, context: EntityCase(text, "", "", "").context)
        #expect(entities.map(\.entity) == ["team", "ticket", "time"])
        #expect(entities.map(\.extractor) == ["lookup", "regex", "builtin"])
        #expect(EntityCase.json(entities[0].value) == #"{"value":"Platform"}"#)
        #expect(entities[1].text == "OPS-123")
    }
}
