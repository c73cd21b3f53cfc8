import Foundation
import Inference
import TestSupport

/// The reference outputs in Reference/minilm-golden.json (written by
/// Reference/minilm_reference.py: `tokenizers`' BertWordPieceTokenizer and a numpy encoder),
/// and the model they were made with.
struct GoldenVectors: Decodable {
    struct Sentence: Decodable, Sendable {
        let text: String
        let ids: [Int32]
        let truncated: Bool
        let embedding: [Float]
    }

    let sentences: [Sentence]

    static let shared: GoldenVectors = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/minilm-golden.json")
        // A test bundle without its golden file cannot test anything: failing loudly is the point.
        return try! JSONDecoder().decode(GoldenVectors.self, from: Data(contentsOf: url))
    }()

    static func model() throws -> MiniLMModel {
        try MiniLMModel.load(fromModelsDirectory: TestEnvironment.modelsDirectory)
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0
    var normA: Float = 0
    var normB: Float = 0
    for (x, y) in zip(a, b) {
        dot += x * y
        normA += x * x
        normB += y * y
    }
    return dot / (normA.squareRoot() * normB.squareRoot())
}
