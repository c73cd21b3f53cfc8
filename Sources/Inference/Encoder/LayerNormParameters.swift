/// The learned scale and shift of one LayerNorm, and its epsilon.
struct LayerNormParameters: Sendable {
    let weight: [Float]
    let bias: [Float]
    let epsilon: Float

    /// Normalises each of `rows` rows of `width` values in place: zero mean, unit variance,
    /// then scaled and shifted.
    func apply(to matrix: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        weight.withUnsafeBufferPointer { weight in
            bias.withUnsafeBufferPointer { bias in
                for row in 0..<rows {
                    let x = matrix + row * width
                    var sum: Float = 0
                    for i in 0..<width { sum += x[i] }
                    let mean = sum / Float(width)
                    var squares: Float = 0
                    for i in 0..<width {
                        let d = x[i] - mean
                        squares += d * d
                    }
                    let scale = 1 / (squares / Float(width) + epsilon).squareRoot()
                    for i in 0..<width { x[i] = (x[i] - mean) * scale * weight[i] + bias[i] }
                }
            }
        }
    }
}
