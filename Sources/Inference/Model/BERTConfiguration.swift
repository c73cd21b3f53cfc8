/// The shape of a BERT encoder: sizes of its layers and the longest input it reads.
public struct BERTConfiguration: Sendable {
    public let vocabularySize: Int
    public let hiddenSize: Int
    public let layerCount: Int
    public let headCount: Int
    public let intermediateSize: Int
    public let maxPositions: Int
    /// Word pieces (with `[CLS]` and `[SEP]`) the model reads; longer texts are truncated.
    public let maxSequenceLength: Int
    public let layerNormEpsilon: Float

    public var headSize: Int { hiddenSize / headCount }

    /// sentence-transformers/all-MiniLM-L6-v2 (its config.json and sentence_bert_config.json).
    public static let miniLML6 = BERTConfiguration(
        vocabularySize: 30522,
        hiddenSize: 384,
        layerCount: 6,
        headCount: 12,
        intermediateSize: 1536,
        maxPositions: 512,
        maxSequenceLength: 256,
        layerNormEpsilon: 1e-12
    )
}
