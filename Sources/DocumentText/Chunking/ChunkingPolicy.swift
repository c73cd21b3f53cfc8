/// How big chunks are, in tokens of the embedder's tokenizer: `RAG_CHUNK_TOKENS` (200) aimed
/// at, `RAG_CHUNK_OVERLAP` (40) repeated from the end of one chunk at the start of the next,
/// and a hard `maxTokens` that no chunk exceeds (the model's 256 less its two special tokens).
public struct ChunkingPolicy: Sendable, Equatable {
    public static let modelMaxTokens = 254

    public let targetTokens: Int
    public let overlapTokens: Int
    public let maxTokens: Int

    /// Fails unless 0 < target <= max and 0 <= overlap < target, naming the setting at fault.
    public init(targetTokens: Int = 200, overlapTokens: Int = 40, maxTokens: Int = modelMaxTokens) throws(ChunkingPolicyError) {
        guard maxTokens > 0 else { throw ChunkingPolicyError(setting: "maxTokens", reason: "must be positive") }
        guard (1...maxTokens).contains(targetTokens) else {
            throw ChunkingPolicyError(setting: "RAG_CHUNK_TOKENS", reason: "must be between 1 and \(maxTokens)")
        }
        guard (0..<targetTokens).contains(overlapTokens) else {
            throw ChunkingPolicyError(setting: "RAG_CHUNK_OVERLAP", reason: "must be at least 0 and less than RAG_CHUNK_TOKENS (\(targetTokens))")
        }
        self.targetTokens = targetTokens
        self.overlapTokens = overlapTokens
        self.maxTokens = maxTokens
    }
}

/// A chunking policy that cannot work, and which setting makes it so.
public struct ChunkingPolicyError: Error, Equatable, CustomStringConvertible {
    public let setting: String
    public let reason: String
    public var description: String { "\(setting) \(reason)" }
}
