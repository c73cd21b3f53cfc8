import Foundation

/// Multinomial logistic regression over sentence vectors: one weight row and bias per class,
/// softmax over the scores. Trained by full-batch gradient descent with Nesterov momentum
/// and L2 on the weights from zero weights, in a fixed order, so the same data always gives
/// the same model.
public struct SoftmaxRegression: Sendable, Codable, Equatable {
    public let classCount: Int
    public let dimension: Int
    /// Row-major, `classCount × dimension`.
    public let weights: [Float]
    public let biases: [Float]

    /// How training runs; the defaults suit L2-normalised sentence vectors.
    public struct Options: Sendable {
        public var iterations = 150
        public var learningRate: Float = 4
        public var momentum: Float = 0.9
        public var l2: Float = 1e-3

        public init() {}
    }

    public init(classCount: Int, dimension: Int, weights: [Float], biases: [Float]) {
        precondition(weights.count == classCount * dimension && biases.count == classCount, "weights do not match the shape")
        self.classCount = classCount
        self.dimension = dimension
        self.weights = weights
        self.biases = biases
    }

    /// The probability of each class for `vector`.
    public func probabilities(_ vector: [Float]) -> [Float] {
        precondition(vector.count == dimension, "vector of dimension \(vector.count), model of \(dimension)")
        var scores = biases
        weights.withUnsafeBufferPointer { weights in
            vector.withUnsafeBufferPointer { vector in
                for row in 0..<classCount {
                    var sum: Float = 0
                    let offset = row * dimension
                    for column in 0..<dimension { sum += weights[offset + column] * vector[column] }
                    scores[row] += sum
                }
            }
        }
        Self.softmax(&scores)
        return scores
    }

    static func softmax(_ scores: inout [Float]) {
        let largest = scores.max() ?? 0
        var total: Float = 0
        for index in scores.indices {
            scores[index] = exp(scores[index] - largest)
            total += scores[index]
        }
        for index in scores.indices { scores[index] /= total }
    }

    /// Fits `vectors` (all of one dimension) to `labels` (each in `0..<classCount`).
    public static func train(vectors: [[Float]], labels: [Int], classCount: Int, options: Options = Options()) -> SoftmaxRegression {
        precondition(!vectors.isEmpty && vectors.count == labels.count, "one label per vector")
        let dimension = vectors[0].count
        let count = Float(vectors.count)
        let inputs = vectors.flatMap { $0 }
        var weights = [Float](repeating: 0, count: classCount * dimension)
        var biases = [Float](repeating: 0, count: classCount)
        var weightVelocity = weights
        var biasVelocity = biases
        var lookahead = weights
        var lookaheadBiases = biases
        var weightGradient = weights
        var biasGradient = biases
        var scores = [Float](repeating: 0, count: classCount)

        for _ in 0..<options.iterations {
            for index in weights.indices { lookahead[index] = weights[index] + options.momentum * weightVelocity[index] }
            for index in biases.indices { lookaheadBiases[index] = biases[index] + options.momentum * biasVelocity[index] }
            for index in weightGradient.indices { weightGradient[index] = options.l2 * lookahead[index] }
            for index in biasGradient.indices { biasGradient[index] = 0 }
            inputs.withUnsafeBufferPointer { inputs in
                lookahead.withUnsafeBufferPointer { lookahead in
                    weightGradient.withUnsafeMutableBufferPointer { gradient in
                        for sample in 0..<labels.count {
                            let input = sample * dimension
                            for row in 0..<classCount {
                                var sum = lookaheadBiases[row]
                                let offset = row * dimension
                                for column in 0..<dimension { sum += lookahead[offset + column] * inputs[input + column] }
                                scores[row] = sum
                            }
                            softmax(&scores)
                            scores[labels[sample]] -= 1
                            for row in 0..<classCount {
                                let error = scores[row] / count
                                biasGradient[row] += error
                                let offset = row * dimension
                                for column in 0..<dimension { gradient[offset + column] += error * inputs[input + column] }
                            }
                        }
                    }
                }
            }
            for index in weights.indices {
                weightVelocity[index] = options.momentum * weightVelocity[index] - options.learningRate * weightGradient[index]
                weights[index] += weightVelocity[index]
            }
            for index in biases.indices {
                biasVelocity[index] = options.momentum * biasVelocity[index] - options.learningRate * biasGradient[index]
                biases[index] += biasVelocity[index]
            }
        }
        return SoftmaxRegression(classCount: classCount, dimension: dimension, weights: weights, biases: biases)
    }
}
