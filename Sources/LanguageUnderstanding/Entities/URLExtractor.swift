import Foundation

/// `url`: `http(s)://…`, `www.…` and bare domains with a common top-level domain, without
/// the sentence's closing punctuation; the value carries the host as `domain`.
public struct URLExtractor: EntityExtractor {
    static let pattern = Pattern(
        #"(?<![\w@.])(?:https?://[^\s<>"']+|www\.[^\s<>"']+|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|ai|app|co|de|uk|fr|eu|info|biz)\b(?:[/?#][^\s<>"']*)?)(?!@)"#
    )

    public init() {}

    public func candidates(in text: ScannedText, context: ExtractionContext) -> [EntityCandidate] {
        Self.pattern.matches(in: text).compactMap { match in
            var range = match.range
            // A sentence's punctuation after a link is not part of it.
            while range.length > 0, let last = text.text(NSRange(location: range.location + range.length - 1, length: 1)).first,
                ".,;:!?)]}".contains(last)
            {
                range.length -= 1
            }
            let url = text.text(range)
            let withScheme = url.lowercased().hasPrefix("http") ? url : "http://" + url
            guard let host = URLComponents(string: withScheme)?.host?.lowercased() else { return nil }
            return EntityCandidate(entity: "url", range: range, value: .object(["value": .string(url), "domain": .string(host)]))
        }
    }
}
