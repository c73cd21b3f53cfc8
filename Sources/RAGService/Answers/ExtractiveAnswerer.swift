import DocumentText
import Inference

/// Answers from the documents alone: the sentences of the best chunks closest in meaning to
/// the question, each cited, or an honest "not found" when no chunk is similar enough.
struct ExtractiveAnswerer: Sendable {
    let embedder: any SentenceEmbedder
    /// Below this cosine similarity a chunk (or a sentence) does not answer (`RAG_MIN_SCORE`).
    let minScore: Double
    /// Sentences in an answer.
    static let maxSentences = 3
    /// Sentences weighed per question, so a question over long chunks stays one embedder call.
    static let maxCandidates = 64

    static let notFound = "No answer was found in the documents."

    func answer(_ question: [Float], hits: [SearchHit], degraded: Bool) async throws -> Answer {
        guard let best = hits.compactMap(\.similarity).max(), best >= minScore else {
            return Answer(answer: Self.notFound, citations: [], mode: .extractive, degraded: degraded, found: false)
        }
        var candidates: [(hit: Int, position: Int, sentence: String)] = []
        for (index, hit) in hits.enumerated() where (hit.similarity ?? 0) >= minScore {
            for (position, sentence) in Sentences.of(hit.text).enumerated() where sentence.count >= 3 {
                candidates.append((index, position, sentence))
            }
        }
        candidates = Array(candidates.prefix(Self.maxCandidates))
        let vectors = try await embedder.embed(candidates.map(\.sentence))
        let chosen = zip(candidates, vectors)
            .map { candidate, vector in (candidate, Self.cosine(question, vector)) }
            .filter { $0.1 >= minScore }
            .sorted { $0.1 > $1.1 }
            .prefix(Self.maxSentences)
            .map(\.0)
            .sorted { ($0.hit, $0.position) < ($1.hit, $1.position) }
        guard !chosen.isEmpty else {
            return Answer(answer: Self.notFound, citations: [], mode: .extractive, degraded: degraded, found: false)
        }
        let citations = chosen.map { candidate in
            let hit = hits[candidate.hit]
            return Citation(
                documentID: hit.documentID,
                itemID: hit.itemID,
                title: hit.title,
                page: hit.page,
                chunkID: hit.chunkID,
                quote: candidate.sentence
            )
        }
        let text = chosen.enumerated().map { "\($1.sentence) [\($0 + 1)]" }.joined(separator: " ")
        return Answer(answer: text, citations: citations, mode: .extractive, degraded: degraded, found: true)
    }

    /// Both vectors are unit length, so the dot product is the cosine.
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        Double(zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 })
    }
}
