/// Turns texts into sentence vectors of one fixed dimension, so nlu, rag and agent can
/// compare meaning without knowing which model (local or remote) produced the vectors.
public protocol SentenceEmbedder: Sendable {
    /// The model's name as clients see it, such as `all-MiniLM-L6-v2`.
    var modelName: String { get }
    /// The length of every vector `embed` returns.
    var dimension: Int { get }
    /// One L2-normalised vector per text, in the order of `texts`.
    func embed(_ texts: [String]) async throws -> [[Float]]
}
