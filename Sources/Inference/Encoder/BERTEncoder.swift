/// A BERT encoder over batches of token ids: embeddings (word + position + token type) and
/// LayerNorm, then per layer multi-head self-attention and a GELU feed-forward, each added
/// back to its input and normalised; then ``MeanPooling`` over each text's real tokens.
///
/// A batch is padded to its longest text. The attention mask is applied by letting each
/// text's queries attend only to its own real keys (the same as adding −∞ to the padded
/// ones), and padded rows never reach the pooled vector. Synchronous and CPU-bound: callers
/// run it on threads of their own, never on an event loop.
public struct BERTEncoder: Sendable {
    public let weights: BERTWeights
    /// Rows the feed-forward layer takes at once, which bounds its `rows × intermediate` buffer.
    static let feedForwardRows = 256

    public init(weights: BERTWeights) {
        self.weights = weights
    }

    /// One L2-normalised vector per id sequence (each framed by `[CLS]` and `[SEP]`, at most
    /// `maxSequenceLength` long).
    public func encode(_ sequences: [[Int32]]) -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let c = weights.configuration
        let hidden = c.hiddenSize
        let width = 3 * hidden
        let headSize = c.headSize
        let lengths = sequences.map(\.count)
        let length = lengths.max()!
        precondition(lengths.min()! >= 1 && length <= c.maxPositions, "sequence lengths must be 1...\(c.maxPositions)")
        let rows = sequences.count * length
        let chunkRows = min(rows, Self.feedForwardRows)

        let x = Buffer(rows * hidden)
        let queryKeyValue = Buffer(rows * width)
        let context = Buffer(rows * hidden)
        let scores = Buffer(length * length)
        let intermediate = Buffer(chunkRows * c.intermediateSize)
        defer { for buffer in [x, queryKeyValue, context, scores, intermediate] { buffer.free() } }

        embed(sequences, length: length, into: x.pointer)
        let scale = 1 / Float(headSize).squareRoot()
        for layer in weights.layers {
            MatrixProduct.multiply(
                x.pointer,
                leading: hidden,
                byTransposed: layer.queryKeyValue.row(0),
                leading: hidden,
                into: queryKeyValue.pointer,
                leading: width,
                m: rows,
                n: width,
                k: hidden
            )
            addBias(layer.queryKeyValueBias, to: queryKeyValue.pointer, rows: rows)
            for (item, count) in lengths.enumerated() {
                let base = item * length
                for head in 0..<c.headCount {
                    let query = queryKeyValue.pointer + base * width + head * headSize
                    MatrixProduct.multiply(
                        query,
                        leading: width,
                        byTransposed: query + hidden,
                        leading: width,
                        into: scores.pointer,
                        leading: count,
                        m: count,
                        n: count,
                        k: headSize,
                        alpha: scale
                    )
                    for row in 0..<count { VectorMath.softmax(scores.pointer + row * count, count: count) }
                    MatrixProduct.multiply(
                        scores.pointer,
                        leading: count,
                        by: query + 2 * hidden,
                        leading: width,
                        into: context.pointer + base * hidden + head * headSize,
                        leading: hidden,
                        m: count,
                        n: headSize,
                        k: count
                    )
                }
            }
            // x ← LayerNorm(context · Woᵀ + bo + x): the residual rides in sgemm's beta.
            MatrixProduct.multiply(
                context.pointer,
                leading: hidden,
                byTransposed: layer.attentionOutput.row(0),
                leading: hidden,
                into: x.pointer,
                leading: hidden,
                m: rows,
                n: hidden,
                k: hidden,
                beta: 1
            )
            addBias(layer.attentionOutputBias, to: x.pointer, rows: rows)
            layer.attentionNorm.apply(to: x.pointer, rows: rows, width: hidden)
            for start in stride(from: 0, to: rows, by: chunkRows) {
                let count = min(chunkRows, rows - start)
                let chunk = x.pointer + start * hidden
                MatrixProduct.multiply(
                    chunk,
                    leading: hidden,
                    byTransposed: layer.intermediate.row(0),
                    leading: hidden,
                    into: intermediate.pointer,
                    leading: c.intermediateSize,
                    m: count,
                    n: c.intermediateSize,
                    k: hidden
                )
                addBias(layer.intermediateBias, to: intermediate.pointer, rows: count)
                VectorMath.gelu(intermediate.pointer, count: count * c.intermediateSize)
                MatrixProduct.multiply(
                    intermediate.pointer,
                    leading: c.intermediateSize,
                    byTransposed: layer.output.row(0),
                    leading: c.intermediateSize,
                    into: chunk,
                    leading: hidden,
                    m: count,
                    n: hidden,
                    k: c.intermediateSize,
                    beta: 1
                )
                addBias(layer.outputBias, to: chunk, rows: count)
                layer.outputNorm.apply(to: chunk, rows: count, width: hidden)
            }
        }
        return lengths.enumerated().map { item, count in
            MeanPooling.normalizedMean(of: x.pointer + item * length * hidden, rows: count, width: hidden)
        }
    }

    /// Word + position + token-type (always type 0: one segment) embeddings, normalised.
    /// Padding rows get `[PAD]`'s embedding; they are computed but never read back.
    private func embed(_ sequences: [[Int32]], length: Int, into x: UnsafeMutablePointer<Float>) {
        let hidden = weights.configuration.hiddenSize
        let typeRow = weights.tokenTypeEmbeddings.row(0)
        for (item, ids) in sequences.enumerated() {
            for position in 0..<length {
                let id = position < ids.count ? Int(ids[position]) : 0
                let word = weights.wordEmbeddings.row(min(max(id, 0), weights.wordEmbeddings.rows - 1))
                let positionRow = weights.positionEmbeddings.row(position)
                let target = x + (item * length + position) * hidden
                for i in 0..<hidden { target[i] = word[i] + positionRow[i] + typeRow[i] }
            }
        }
        weights.embeddingNorm.apply(to: x, rows: sequences.count * length, width: hidden)
    }

    private func addBias(_ bias: [Float], to matrix: UnsafeMutablePointer<Float>, rows: Int) {
        bias.withUnsafeBufferPointer { bias in
            let width = bias.count
            for row in 0..<rows {
                let target = matrix + row * width
                for i in 0..<width { target[i] += bias[i] }
            }
        }
    }

    /// A zero-filled scratch matrix for one `encode` call.
    private struct Buffer {
        let pointer: UnsafeMutablePointer<Float>

        init(_ count: Int) {
            pointer = .allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
        }

        func free() { pointer.deallocate() }
    }
}
