import ServiceKit

extension MiniLMEmbedder {
    /// all-MiniLM-L6-v2 from `MODELS_DIR`, sized by `EMBED_MAX_BATCH` and `EMBED_CONCURRENCY`.
    /// The services that embed cannot work without it, so a missing or malformed model file
    /// throws at start-up, naming the file and `ops/models`.
    public static func configured(by config: Config) throws -> MiniLMEmbedder {
        let model = try MiniLMModel.load(fromModelsDirectory: try config.string("MODELS_DIR", default: ".run/models"))
        return MiniLMEmbedder(
            model: model,
            maxBatchSize: try config.int("EMBED_MAX_BATCH", default: 32, range: 1...256),
            concurrency: try config.int("EMBED_CONCURRENCY", default: defaultConcurrency, range: 1...64)
        )
    }
}
