import Foundation
import Synchronization

/// all-MiniLM-L6-v2 as loaded from `<models>/all-MiniLM-L6-v2/` (`model.safetensors` and
/// `vocab.txt`, put there by `ops/models`): its tokenizer and encoder. Loaded once per
/// process and folder; later loads return the same model.
public struct MiniLMModel: Sendable {
    public static let name = "all-MiniLM-L6-v2"
    public static let files = ["model.safetensors", "vocab.txt"]

    public let tokenizer: WordPieceTokenizer
    public let encoder: BERTEncoder
    public var dimension: Int { encoder.weights.configuration.hiddenSize }

    private static let loaded = Mutex<[String: MiniLMModel]>([:])

    /// The model in `modelsDirectory`, loading it on first use. A missing or malformed file
    /// throws a ``ModelFileError`` naming it.
    public static func load(fromModelsDirectory modelsDirectory: String) throws(ModelFileError) -> MiniLMModel {
        let folder = URL(fileURLWithPath: modelsDirectory).appendingPathComponent(name).standardizedFileURL.path
        return try loaded.withLock { (models: inout [String: MiniLMModel]) throws(ModelFileError) -> MiniLMModel in
            if let model = models[folder] { return model }
            let model = try MiniLMModel(folder: folder)
            models[folder] = model
            return model
        }
    }

    private init(folder: String) throws(ModelFileError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ModelFileError(path: folder, problem: "does not exist")
        }
        for file in Self.files where !FileManager.default.fileExists(atPath: folder + "/" + file) {
            throw ModelFileError(path: folder + "/" + file, problem: "is missing")
        }
        let configuration = BERTConfiguration.miniLML6
        let vocabularyPath = folder + "/vocab.txt"
        let vocabulary = try Vocabulary(contentsOf: vocabularyPath)
        guard vocabulary.count == configuration.vocabularySize else {
            throw ModelFileError(path: vocabularyPath, problem: "has \(vocabulary.count) pieces, expected \(configuration.vocabularySize)")
        }
        let weights = try BERTWeights(file: try SafetensorsFile(path: folder + "/model.safetensors"), configuration: configuration)
        tokenizer = WordPieceTokenizer(vocabulary: vocabulary, maxSequenceLength: configuration.maxSequenceLength)
        encoder = BERTEncoder(weights: weights)
        BLASThreads.runProductsOnCallingThread()
    }
}
