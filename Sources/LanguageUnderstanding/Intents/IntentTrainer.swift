/// Trains an ``IntentClassifier`` from labelled sentence vectors: k-fold cross-validation
/// first (its held-out predictions give the scores and calibrate the out-of-scope threshold),
/// then the final model on every example.
public enum IntentTrainer {
    public static let folds = 5

    public struct Result: Sendable {
        public let classifier: IntentClassifier
        public let crossValidation: ClassificationScores
    }

    /// `vectors[i]` is the sentence vector of the example labelled `labels[i]`, an index into `intents`.
    public static func train(intents: [String], vectors: [[Float]], labels: [Int], options: SoftmaxRegression.Options = .init()) -> Result {
        let smallestClass = (0..<intents.count).map { label in labels.filter { $0 == label }.count }.min() ?? 0
        let folds = max(2, min(Self.folds, smallestClass))
        let predictions = CrossValidation.outOfFoldPredictions(
            vectors: vectors,
            labels: labels,
            classCount: intents.count,
            folds: folds,
            options: options
        )
        let threshold = OutOfScopeThreshold.calibrate(predictions, outOfScope: intents.firstIndex(of: IntentClassifier.outOfScope))
        let regression = SoftmaxRegression.train(vectors: vectors, labels: labels, classCount: intents.count, options: options)
        return Result(
            classifier: IntentClassifier(intents: intents, regression: regression, threshold: threshold),
            crossValidation: ClassificationScores(truths: predictions.map(\.truth), predictions: predictions.map(\.predicted))
        )
    }
}
