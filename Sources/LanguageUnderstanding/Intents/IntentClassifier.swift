/// A trained intent model: the intents' names, the regression over sentence vectors and the
/// out-of-scope threshold, stored as JSON with the model version.
public struct IntentClassifier: Sendable, Codable, Equatable {
    public static let outOfScope = "out_of_scope"
    public static let rankingSize = 5

    public let intents: [String]
    public let regression: SoftmaxRegression
    /// A top probability below this is answered ``outOfScope``.
    public let threshold: Float

    public init(intents: [String], regression: SoftmaxRegression, threshold: Float) {
        precondition(intents.count == regression.classCount, "one name per class")
        self.intents = intents
        self.regression = regression
        self.threshold = threshold
    }

    public var dimension: Int { regression.dimension }

    /// The intent of one sentence vector, with the most likely intents ranked.
    public func classify(_ vector: [Float]) -> IntentPrediction {
        let probabilities = regression.probabilities(vector)
        let ranking = probabilities.indices.sorted { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
            .prefix(Self.rankingSize)
            .map { ScoredIntent(name: intents[$0], confidence: Double(probabilities[$0])) }
        let top = ranking[0]
        let intent = top.confidence < Double(threshold) ? ScoredIntent(name: Self.outOfScope, confidence: 1 - top.confidence) : top
        return IntentPrediction(intent: intent, ranking: Array(ranking))
    }
}

/// An intent and how confident the classifier is in it.
public struct ScoredIntent: Sendable, Equatable, Codable {
    public let name: String
    public let confidence: Double
}

/// The answer for one text: the intent (``IntentClassifier/outOfScope`` below the threshold)
/// and the top intents by probability.
public struct IntentPrediction: Sendable, Equatable, Encodable {
    public let intent: ScoredIntent
    public let ranking: [ScoredIntent]
}
