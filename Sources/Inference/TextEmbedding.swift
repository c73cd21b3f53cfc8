/// One text's vector with what it cost: the word pieces the model read (with `[CLS]` and
/// `[SEP]`), and whether the text was cut to the model's longest input.
public struct TextEmbedding: Sendable, Equatable {
    public let vector: [Float]
    public let tokenCount: Int
    public let truncated: Bool
}
