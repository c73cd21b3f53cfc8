import Foundation
import ServiceKitHTTPClient

/// Answers with an OpenAI-compatible model, grounded in the retrieved chunks: the model sees
/// them as numbered sources and must cite them as `[n]`; the answer's citations are the
/// sources it cited, renumbered in the order it first cites them. A reply that cites no
/// source it was given is not grounded, and counts as a failure.
struct GenerativeAnswerer: Sendable {
    let client: OpenAIClient
    /// Characters of a chunk's text quoted in its citation.
    static let quoteLength = 300

    static let instructions = """
        You answer questions using only the numbered sources provided. Cite every statement with \
        the number of the source it comes from in square brackets, like [2]. If the sources do not \
        contain the answer, say that the documents do not answer it. Be brief.
        """

    /// The model's answer, or nil when it cited none of the sources.
    func answer(_ question: String, sources: [SearchHit]) async throws(OpenAIError) -> Answer? {
        let numbered = sources.enumerated().map { index, hit in
            "[\(index + 1)] \(hit.title)\(hit.page.map { ", page \($0)" } ?? ""):\n\(hit.text)"
        }
        let prompt = "Sources:\n\n" + numbered.joined(separator: "\n\n") + "\n\nQuestion: \(question)"
        let completion = try await client.complete(ChatRequest(messages: [.system(Self.instructions), .user(prompt)], temperature: 0))
        guard let text = completion.content?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return Self.cited(text, sources: sources)
    }

    /// `text` with its `[n]` markers renumbered to the citations they point at; markers naming
    /// no source are dropped.
    static func cited(_ text: String, sources: [SearchHit]) -> Answer? {
        var order: [Int] = []
        var output = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            output += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "]") else {
                output += rest[open...]
                rest = ""
                break
            }
            let inside = rest[afterOpen..<close]
            let numbers = inside.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if !numbers.isEmpty, numbers.allSatisfy({ $0 != nil }) {
                let valid = numbers.compactMap { $0 }.filter { (1...sources.count).contains($0) }
                let renumbered = valid.map { source -> Int in
                    if let index = order.firstIndex(of: source) { return index + 1 }
                    order.append(source)
                    return order.count
                }
                if !renumbered.isEmpty { output += "[" + renumbered.map(String.init).joined(separator: ", ") + "]" }
            } else {
                output += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        guard !order.isEmpty else { return nil }
        let citations = order.map { source in
            let hit = sources[source - 1]
            return Citation(
                documentID: hit.documentID,
                itemID: hit.itemID,
                title: hit.title,
                page: hit.page,
                chunkID: hit.chunkID,
                quote: String(hit.text.prefix(quoteLength))
            )
        }
        // A dropped marker leaves the space before it.
        var answer = output
        for (gap, mark) in [("  ", " "), (" .", "."), (" ,", ",")] { answer = answer.replacingOccurrences(of: gap, with: mark) }
        answer = answer.trimmingCharacters(in: .whitespaces)
        return Answer(answer: answer, citations: citations, mode: .generative, degraded: false, found: true)
    }
}
