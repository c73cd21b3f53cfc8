/// Stratified k-fold cross-validation of a classifier trainer: each class's examples are
/// dealt to the folds in turn, so every fold holds each class and the split is reproducible.
public enum CrossValidation {
    /// What a held-out example got: the class it belongs to, the class predicted, and the
    /// probability the model gave its prediction.
    public struct Prediction: Sendable, Equatable {
        public let truth: Int
        public let predicted: Int
        public let confidence: Float

        public init(truth: Int, predicted: Int, confidence: Float) {
            self.truth = truth
            self.predicted = predicted
            self.confidence = confidence
        }
    }

    /// The folds' predictions, each example predicted by the model that did not see it.
    public static func outOfFoldPredictions(
        vectors: [[Float]],
        labels: [Int],
        classCount: Int,
        folds: Int,
        options: SoftmaxRegression.Options = .init()
    ) -> [Prediction] {
        var fold = [Int](repeating: 0, count: labels.count)
        var seen = [Int](repeating: 0, count: classCount)
        for (index, label) in labels.enumerated() {
            fold[index] = seen[label] % folds
            seen[label] += 1
        }
        var predictions = [Prediction?](repeating: nil, count: labels.count)
        for held in 0..<folds {
            let training = labels.indices.filter { fold[$0] != held }
            let model = SoftmaxRegression.train(
                vectors: training.map { vectors[$0] },
                labels: training.map { labels[$0] },
                classCount: classCount,
                options: options
            )
            for index in labels.indices where fold[index] == held {
                let probabilities = model.probabilities(vectors[index])
                let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
                predictions[index] = Prediction(truth: labels[index], predicted: best, confidence: probabilities[best])
            }
        }
        return predictions.compactMap { $0 }
    }
}

/// Accuracy and macro-averaged F1 of predictions (a class never predicted nor present counts
/// nowhere; one present but never predicted right counts F1 0).
public struct ClassificationScores: Sendable, Equatable, Codable {
    public let accuracy: Double
    public let macroF1: Double

    enum CodingKeys: String, CodingKey {
        case accuracy
        case macroF1 = "macro_f1"
    }

    public init(accuracy: Double, macroF1: Double) {
        self.accuracy = accuracy
        self.macroF1 = macroF1
    }

    public init(truths: [Int], predictions: [Int]) {
        precondition(truths.count == predictions.count && !truths.isEmpty, "one prediction per truth")
        let classes = Set(truths).union(predictions)
        var f1s: [Double] = []
        for label in classes {
            let truePositives = zip(truths, predictions).filter { $0 == label && $1 == label }.count
            let predicted = predictions.filter { $0 == label }.count
            let actual = truths.filter { $0 == label }.count
            let precision = predicted == 0 ? 0 : Double(truePositives) / Double(predicted)
            let recall = actual == 0 ? 0 : Double(truePositives) / Double(actual)
            f1s.append(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall))
        }
        accuracy = Double(zip(truths, predictions).filter { $0 == $1 }.count) / Double(truths.count)
        macroF1 = f1s.reduce(0, +) / Double(f1s.count)
    }
}
