import Foundation

/// Words and emoticons with their mean valence (−4 … 4), as in VADER's `vader_lexicon.txt`:
/// one entry a line, `token<TAB>mean<TAB>…`.
public struct ValenceLexicon: Sendable {
    let valences: [String: Double]

    public init(valences: [String: Double]) {
        self.valences = valences
    }

    /// Parses the lexicon's text; lines that are not `token<TAB>number…` are skipped.
    public init(text: String) {
        var valences: [String: Double] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2, let valence = Double(fields[1]) else { continue }
            valences[String(fields[0])] = valence
        }
        self.valences = valences
    }

    /// Reads the lexicon file; throws when it is missing or holds no entries.
    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        self.init(text: text)
        if valences.isEmpty { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path]) }
    }

    public var count: Int { valences.count }

    public subscript(token: String) -> Double? { valences[token] }
}
