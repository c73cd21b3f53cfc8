/// The confidence below which a prediction is answered `out_of_scope`, calibrated on
/// held-out predictions. With out-of-scope examples (a class of their own), the threshold
/// that maximises held-out accuracy when low-confidence predictions count as out of scope;
/// without any, the confidence under which 5% of the correct held-out predictions fall, so
/// that text unlike every intent is turned away at the cost of few right answers.
public enum OutOfScopeThreshold {
    public static let rejectedShareWithoutExamples = 0.05

    public static func calibrate(_ predictions: [CrossValidation.Prediction], outOfScope: Int?) -> Float {
        guard !predictions.isEmpty else { return 0 }
        if let outOfScope, predictions.contains(where: { $0.truth == outOfScope }) {
            let candidates = [Float(0)] + Set(predictions.map(\.confidence)).sorted()
            var best: (threshold: Float, correct: Int) = (0, -1)
            for threshold in candidates {
                let correct = predictions.filter { ($0.confidence < threshold ? outOfScope : $0.predicted) == $0.truth }.count
                if correct > best.correct { best = (threshold, correct) }
            }
            return best.threshold
        }
        let correct = predictions.filter { $0.truth == $0.predicted }.map(\.confidence).sorted()
        guard !correct.isEmpty else { return 0 }
        return correct[Int(Double(correct.count - 1) * rejectedShareWithoutExamples)]
    }
}
