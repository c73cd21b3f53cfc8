import Foundation
import Inference
import Testing

@Suite struct EmbedderTests {
    static let embedder: MiniLMEmbedder = {
        // The model files come from ops/models; without them every test here fails at this line.
        try! MiniLMEmbedder(model: GoldenVectors.model(), maxBatchSize: 8, concurrency: 2)
    }()

    @Test func everyGoldenSentenceMatchesTheReferenceVector() async throws {
        let sentences = GoldenVectors.shared.sentences
        let vectors = try await Self.embedder.embed(sentences.map(\.text))
        for (sentence, vector) in zip(sentences, vectors) {
            #expect(vector.count == 384)
            let similarity = cosine(vector, sentence.embedding)
            #expect(similarity >= 0.999, "cosine \(similarity) for \(sentence.text.debugDescription)")
        }
    }

    @Test func aBatchOfMixedLengthsGivesTheVectorsOfOneByOne() async throws {
        let texts = GoldenVectors.shared.sentences.map(\.text)
        let batched = try await Self.embedder.embed(texts)
        for (text, vector) in zip(texts, batched) {
            let alone = try await Self.embedder.embed([text])[0]
            let difference = zip(alone, vector).map { abs($0 - $1) }.max()!
            #expect(difference < 1e-5, "largest difference \(difference) for \(text.debugDescription)")
        }
    }

    @Test func concurrentRequestsFromManyTasksGetTheirOwnVectors() async throws {
        let sentences = Array(GoldenVectors.shared.sentences.prefix(16))
        let expected = try await Self.embedder.embed(sentences.map(\.text))
        let results = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for task in 0..<24 {
                // Each task asks for a different rotation of the sentences.
                let texts = (0..<sentences.count).map { sentences[($0 + task) % sentences.count].text }
                group.addTask { (task, try await Self.embedder.embed(texts)) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 24)
        for (task, vectors) in results {
            for (position, vector) in vectors.enumerated() {
                let difference = zip(vector, expected[(position + task) % sentences.count]).map { abs($0 - $1) }.max()!
                #expect(difference < 1e-5, "task \(task), text \(position)")
            }
        }
    }

    @Test func usageCountsTokensAndReportsTruncation() async throws {
        let long = GoldenVectors.shared.sentences.first { $0.truncated }!
        let results = try await Self.embedder.embeddings(of: ["", "Hello", long.text])
        #expect(results.map(\.tokenCount) == [2, 3, 256])
        #expect(results.map(\.truncated) == [false, false, true])
        #expect(try await Self.embedder.embed([]).isEmpty)
    }

    @Test func aMissingModelFolderOrFileIsAClearError() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)").path
        let missingFolder = #expect(throws: ModelFileError.self) { try MiniLMModel.load(fromModelsDirectory: empty) }
        #expect(missingFolder?.description.contains("\(empty)/all-MiniLM-L6-v2 does not exist") == true)
        #expect(missingFolder?.description.contains("ops/models") == true)

        let folder = empty + "/all-MiniLM-L6-v2"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n".utf8).write(to: URL(fileURLWithPath: folder + "/vocab.txt"))
        let missingWeights = #expect(throws: ModelFileError.self) { try MiniLMModel.load(fromModelsDirectory: empty) }
        #expect(missingWeights?.path == folder + "/model.safetensors")

        try Data(repeating: 7, count: 64).write(to: URL(fileURLWithPath: folder + "/model.safetensors"))
        let shortVocabulary = #expect(throws: ModelFileError.self) { try MiniLMModel.load(fromModelsDirectory: empty) }
        #expect(shortVocabulary?.path == folder + "/vocab.txt")
    }
}
