import Foundation

/// `time`: days, times of day, parts of days, relative times and intervals, joined as said
/// (`tomorrow at 3pm`, `3pm on Friday`, `tonight at 8`, `on Monday from 9 to 5`,
/// `from Monday to Friday`) and resolved against the reference time in the speaker's time
/// zone. A time of day without a day is the next one to come.
public struct TimeExtractor: EntityExtractor {
    /// What may stand between two fragments of one expression.
    static let joiner = Pattern(#"^\s*(?:,\s*)?(?:on\s+|at\s+|of\s+)?$"#)
    /// What opens and separates the ends of an interval between two expressions.
    static let intervalOpening = Pattern(#"\b(?:from|between)\s+$"#)
    static let intervalSeparator = Pattern(#"^\s*(?:to|until|till|through|and|-|–)\s*$"#)

    public init() {}

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        let pieces = Self.longestFirst(
            DayGrammar.pieces(in: text, context: context) + ClockGrammar.pieces(in: text) + PeriodGrammar.pieces(in: text, context: context)
        )
        var expressions: [(range: NSRange, value: TimeValue, confidence: Double)] = []
        var index = 0
        while index < pieces.count {
            var group = TimeExpression(pieces[index])
            var range = pieces[index].range
            var next = index + 1
            while next < pieces.count, let gap = Self.gap(range, pieces[next].range, in: text), Self.joiner.matchesWhole(gap),
                let joined = group?.joining(pieces[next])
            {
                group = joined
                range = NSUnionRange(range, pieces[next].range)
                next += 1
            }
            if let value = group?.resolve(context) {
                expressions.append((range, value, group?.confidence ?? 1))
            }
            index = next
        }
        return Self.joiningIntervals(expressions, in: text, context: context).map { expression in
            EntityCandidate(
                entity: "time",
                range: expression.range,
                value: expression.value.entityValue(in: context.timeZone),
                confidence: expression.confidence
            )
        }
    }

    /// `from <time> to <time>` and `between <time> and <time>` over two whole expressions.
    private static func joiningIntervals(
        _ expressions: [(range: NSRange, value: TimeValue, confidence: Double)],
        in text: ScannedText,
        context: ExtractionContext
    ) -> [(range: NSRange, value: TimeValue, confidence: Double)] {
        var joined: [(range: NSRange, value: TimeValue, confidence: Double)] = []
        var index = 0
        while index < expressions.count {
            let first = expressions[index]
            if index + 1 < expressions.count, let gap = gap(first.range, expressions[index + 1].range, in: text), intervalSeparator.matchesWhole(gap)
            {
                let second = expressions[index + 1]
                let before = text.text(NSRange(location: 0, length: first.range.location))
                if let opening = intervalOpening.matches(in: ScannedText(before)).last {
                    let from = first.value.start
                    var to = second.value.end(in: context.calendar)
                    // "from Friday to Monday": a weekday that ends a range comes after its start.
                    if to <= from, second.value.grain == .day, let weekLater = context.calendar.date(byAdding: .day, value: 7, to: to) {
                        to = weekLater
                    }
                    if to > from {
                        let start = NSRange(location: opening.range.location, length: 0)
                        joined.append(
                            (
                                NSUnionRange(start, second.range),
                                TimeValue(kind: .interval(from: from, to: to), grain: min(first.value.grain, second.value.grain)),
                                min(first.confidence, second.confidence)
                            )
                        )
                        index += 2
                        continue
                    }
                }
            }
            joined.append(first)
            index += 1
        }
        return joined
    }

    /// The text between two ranges, or nil when they overlap or come in the other order.
    private static func gap(_ left: NSRange, _ right: NSRange, in text: ScannedText) -> String? {
        let end = left.location + left.length
        guard right.location >= end else { return nil }
        return text.text(NSRange(location: end, length: right.location - end))
    }

    /// Fragments that do not overlap, the longest kept, in text order.
    private static func longestFirst(_ pieces: [TimePiece]) -> [TimePiece] {
        var kept: [TimePiece] = []
        for piece in pieces.sorted(by: {
            $0.range.length != $1.range.length ? $0.range.length > $1.range.length : $0.range.location < $1.range.location
        })
        where !kept.contains(where: { NSIntersectionRange($0.range, piece.range).length > 0 }) {
            kept.append(piece)
        }
        return kept.sorted { $0.range.location < $1.range.location }
    }
}
