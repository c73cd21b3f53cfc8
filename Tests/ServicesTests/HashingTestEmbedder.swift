import Inference

/// A deterministic stand-in for the sentence embedder in tests that are not about it: each
/// word is hashed (FNV-1a) to a signed bucket and the counts are L2-normalised, so texts
/// sharing words get similar vectors. It knows no meaning: route tests that need real
/// intent quality wait for the MiniLM embedder.
struct HashingTestEmbedder: SentenceEmbedder {
    var modelName = "hashing-test-embedder"
    let dimension = 64

    func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map(vector)
    }

    func vector(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            vector[Int(hash % UInt64(dimension))] += (hash >> 63) == 0 ? 1 : -1
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else {
            vector[0] = 1
            return vector
        }
        return vector.map { $0 / norm }
    }
}
