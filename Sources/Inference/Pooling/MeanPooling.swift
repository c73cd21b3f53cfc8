/// sentence-transformers' pooling for this model: the mean of a text's token vectors (real
/// tokens only, `[CLS]` and `[SEP]` included), scaled to unit length.
enum MeanPooling {
    static func normalizedMean(of rows: UnsafePointer<Float>, rows count: Int, width: Int) -> [Float] {
        var mean = [Float](repeating: 0, count: width)
        for row in 0..<count {
            let values = rows + row * width
            for i in 0..<width { mean[i] += values[i] }
        }
        var squares: Float = 0
        for i in 0..<width {
            mean[i] /= Float(count)
            squares += mean[i] * mean[i]
        }
        // As torch's F.normalize: a zero vector stays zero rather than dividing by zero.
        let scale = 1 / max(squares.squareRoot(), 1e-12)
        for i in 0..<width { mean[i] *= scale }
        return mean
    }
}
