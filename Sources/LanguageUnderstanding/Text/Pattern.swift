import Foundation

/// A compiled, case-insensitive regular expression. Matching on an `NSRegularExpression`
/// is thread-safe and the expression never changes after compilation, hence `@unchecked`.
struct Pattern: @unchecked Sendable {
    let expression: NSRegularExpression

    /// Compiles a pattern written in this module; a typo there is a programming error.
    init(_ pattern: String, caseInsensitive: Bool = true) {
        do {
            expression = try NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
        } catch {
            fatalError("invalid built-in pattern \(pattern): \(error)")
        }
    }

    /// Compiles a pattern supplied by a client, reporting what is wrong with it.
    init(validating pattern: String) throws {
        expression = try NSRegularExpression(pattern: pattern, options: [])
    }

    func matches(in text: ScannedText) -> [Match] {
        expression.matches(in: text.string, range: text.fullRange).map { Match(result: $0, text: text) }
    }

    /// Whether the whole of `string` matches.
    func matchesWhole(_ string: String) -> Bool {
        let range = NSRange(location: 0, length: string.utf16.count)
        guard let match = expression.firstMatch(in: string, options: [.anchored], range: range) else { return false }
        return match.range == range
    }
}

/// One match of a ``Pattern``, with its groups as text.
struct Match {
    let result: NSTextCheckingResult
    let text: ScannedText

    var range: NSRange { result.range }

    /// The text of group `index`, or nil when the group took no part in the match.
    subscript(index: Int) -> String? {
        let range = result.range(at: index)
        return range.location == NSNotFound ? nil : text.text(range)
    }

    /// The text of the named group, or nil when it took no part in the match.
    subscript(name: String) -> String? {
        let range = result.range(withName: name)
        return range.location == NSNotFound ? nil : text.text(range)
    }
}
