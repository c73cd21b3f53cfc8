import NIOCore
import NIOPosix

/// all-MiniLM-L6-v2 run in this process: 384-dimensional sentence vectors equal to
/// sentence-transformers' within float rounding.
///
/// Work runs on a pool of `concurrency` threads of its own, never on the caller's (an event
/// loop must not wait for it). A request's texts are tokenised there, sorted by length so each
/// batch pads little, cut into batches of at most `maxBatchSize` texts that run `concurrency` at a time,
/// and put back in the order given. OpenBLAS runs each product on the pool thread that asks.
public final class MiniLMEmbedder: SentenceEmbedder {
    public let model: MiniLMModel
    public let maxBatchSize: Int
    public let concurrency: Int
    private let pool: NIOThreadPool

    public var modelName: String { MiniLMModel.name }
    public var dimension: Int { model.dimension }

    /// One encoding thread per core.
    public static var defaultConcurrency: Int { System.coreCount }

    public init(model: MiniLMModel, maxBatchSize: Int = 32, concurrency: Int = defaultConcurrency) {
        precondition(maxBatchSize >= 1 && concurrency >= 1)
        self.model = model
        self.maxBatchSize = maxBatchSize
        self.concurrency = concurrency
        pool = NIOThreadPool(numberOfThreads: concurrency)
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        try await embeddings(of: texts).map(\.vector)
    }

    /// The vectors of `texts`, in their order, with their token counts.
    public func embeddings(of texts: [String]) async throws -> [TextEmbedding] {
        guard !texts.isEmpty else { return [] }
        let tokenizer = model.tokenizer
        let tokens = try await pool.runIfActive { texts.map(tokenizer.tokenize) }
        let order = tokens.indices.sorted { tokens[$0].ids.count < tokens[$1].ids.count }
        let batches = stride(from: 0, to: order.count, by: maxBatchSize).map { Array(order[$0..<min($0 + maxBatchSize, order.count)]) }
        let encoder = model.encoder
        var vectors = [[Float]](repeating: [], count: texts.count)
        // At most `concurrency` batches are handed to the pool at a time, and the next only
        // while the task is not cancelled, so a cancelled request (or a shutdown) stops
        // after the batches already running instead of encoding everything queued.
        try await withThrowingTaskGroup(of: (batch: [Int], vectors: [[Float]]).self) { group in
            var pending = batches.makeIterator()
            func submitNext() throws {
                guard let batch = pending.next() else { return }
                try Task.checkCancellation()
                let sequences = batch.map { tokens[$0].ids }
                group.addTask { [pool] in (batch, try await pool.runIfActive { encoder.encode(sequences) }) }
            }
            for _ in 0..<concurrency { try submitNext() }
            for try await result in group {
                for (index, vector) in zip(result.batch, result.vectors) { vectors[index] = vector }
                try submitNext()
            }
        }
        return zip(vectors, tokens).map { TextEmbedding(vector: $0, tokenCount: $1.ids.count, truncated: $1.truncated) }
    }
}
