import LanguageUnderstanding
import Testing

/// The classifier's math on synthetic sentence vectors it must separate: clusters around
/// random directions, generated from a fixed seed.
@Suite struct IntentClassifierTests {
    /// SplitMix64, so the data is the same on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double(value ^ (value >> 31)) / Double(UInt64.max)
        }
        /// A unit vector in a random direction.
        mutating func direction(_ dimension: Int) -> [Float] {
            normalised((0..<dimension).map { _ in Float(next() * 2 - 1) })
        }
    }

    static func normalised(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }

    /// `perClass` noisy unit vectors around each of `classes` centroids.
    static func clusters(
        classes: Int,
        perClass: Int,
        dimension: Int = 32,
        noise: Float = 0.6,
        seed: UInt64 = 7
    ) -> (vectors: [[Float]], labels: [Int], centroids: [[Float]]) {
        var generator = Generator(state: seed)
        let centroids = (0..<classes).map { _ in generator.direction(dimension) }
        var vectors: [[Float]] = []
        var labels: [Int] = []
        for index in 0..<(classes * perClass) {
            let label = index % classes
            let offset = generator.direction(dimension)
            vectors.append(normalised(zip(centroids[label], offset).map { $0 + noise * $1 }))
            labels.append(label)
        }
        return (vectors, labels, centroids)
    }

    @Test func separatesClustersOnUnseenVectors() {
        let training = Self.clusters(classes: 4, perClass: 20)
        let model = SoftmaxRegression.train(vectors: training.vectors, labels: training.labels, classCount: 4)
        var generator = Generator(state: 99)
        var correct = 0
        for index in 0..<200 {
            let label = index % 4
            let vector = Self.normalised(zip(training.centroids[label], generator.direction(32)).map { $0 + 0.6 * $1 })
            let probabilities = model.probabilities(vector)
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
            if probabilities.indices.max(by: { probabilities[$0] < probabilities[$1] }) == label { correct += 1 }
        }
        #expect(correct >= 190, "\(correct) of 200")
    }

    @Test func trainingIsDeterministic() {
        let data = Self.clusters(classes: 3, perClass: 10)
        let first = SoftmaxRegression.train(vectors: data.vectors, labels: data.labels, classCount: 3)
        let second = SoftmaxRegression.train(vectors: data.vectors, labels: data.labels, classCount: 3)
        #expect(first == second)
    }

    @Test func crossValidationScoresHeldOutExamplesOnly() {
        let data = Self.clusters(classes: 4, perClass: 15)
        let separable = CrossValidation.outOfFoldPredictions(vectors: data.vectors, labels: data.labels, classCount: 4, folds: 5)
        let scores = ClassificationScores(truths: separable.map(\.truth), predictions: separable.map(\.predicted))
        #expect(separable.count == data.vectors.count)
        #expect(scores.accuracy >= 0.9 && scores.macroF1 >= 0.9, "\(scores)")
        // Labels that carry no signal: a model can fit them, but held out it is near chance (0.25).
        var generator = Generator(state: 3)
        let noise = data.labels.map { _ in Int(generator.next() * 4) % 4 }
        let chance = CrossValidation.outOfFoldPredictions(vectors: data.vectors, labels: noise, classCount: 4, folds: 5)
        #expect(ClassificationScores(truths: chance.map(\.truth), predictions: chance.map(\.predicted)).accuracy < 0.5)
    }

    @Test func scoresByHand() {
        let scores = ClassificationScores(truths: [0, 0, 1, 1], predictions: [0, 1, 1, 1])
        #expect(scores.accuracy == 0.75)
        // Class 0: precision 1, recall 1/2, F1 2/3; class 1: precision 2/3, recall 1, F1 4/5.
        #expect(abs(scores.macroF1 - (2.0 / 3 + 0.8) / 2) < 1e-12)
    }

    @Test func thresholdWithOutOfScopeExamplesMaximisesHeldOutAccuracy() {
        typealias Prediction = CrossValidation.Prediction
        let outOfScope = 1
        let predictions = [
            Prediction(truth: 0, predicted: 0, confidence: 0.9), Prediction(truth: 0, predicted: 0, confidence: 0.8),
            Prediction(truth: 0, predicted: 0, confidence: 0.7), Prediction(truth: outOfScope, predicted: 0, confidence: 0.3),
            Prediction(truth: outOfScope, predicted: 0, confidence: 0.4),
        ]
        #expect(OutOfScopeThreshold.calibrate(predictions, outOfScope: outOfScope) == 0.7)
    }

    @Test func thresholdWithoutOutOfScopeExamplesRejectsFewCorrectAnswers() {
        let predictions = (1...100).map { CrossValidation.Prediction(truth: 0, predicted: 0, confidence: Float($0) / 100) }
        #expect(OutOfScopeThreshold.calibrate(predictions, outOfScope: nil) == 0.05)
    }

    @Test func classifierAnswersOutOfScopeForVectorsUnlikeEveryIntent() {
        let data = Self.clusters(classes: 4, perClass: 15, dimension: 64, noise: 0.4)
        let names = ["cancel", "greet", "help", "thanks"]
        let result = IntentTrainer.train(intents: names, vectors: data.vectors, labels: data.labels)
        let inScope = result.classifier.classify(data.centroids[2])
        #expect(inScope.intent.name == "help")
        #expect(inScope.ranking.count == 4 && inScope.ranking[0].name == "help")
        #expect(zip(inScope.ranking, inScope.ranking.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
        var generator = Generator(state: 1234)
        var rejected = 0
        for _ in 0..<20 where result.classifier.classify(generator.direction(64)).intent.name == IntentClassifier.outOfScope { rejected += 1 }
        #expect(rejected >= 15, "\(rejected) of 20 random directions rejected")
        #expect(result.crossValidation.accuracy >= 0.9)
    }

    @Test func trainingDataProblemsNameTheirFields() {
        let data = TrainingData(
            intents: ["greet": ["hi", "hello", "hey", "good morning", "HI "], "bye": ["bye", "hello"]],
            entities: EntityRules(lookups: ["number": ["one"], "team": []], regexes: ["ticket": "([A-Z", "anything": ".*"])
        )
        let problems = data.problems(maxExampleCharacters: 100)
        let fields = problems.map(\.field)
        #expect(fields.contains("intents.bye"))
        #expect(fields.contains("intents.greet[1]"))
        #expect(problems.first { $0.field == "intents.greet[1]" }?.message == "is also an example of bye")
        #expect(fields.contains("intents.greet[4]"))
        #expect(fields.contains("entities.lookups.number"))
        #expect(fields.contains("entities.lookups.team"))
        #expect(fields.contains("entities.regexes.ticket"))
        #expect(fields.contains("entities.regexes.anything"))
        #expect(
            TrainingData(intents: ["a": ["1", "2", "3", "4", "5"], "b": ["6", "7", "8", "9", "10"]]).problems(maxExampleCharacters: 100).isEmpty
        )
        #expect(TrainingData(intents: ["only": ["1", "2", "3", "4", "5"]]).problems(maxExampleCharacters: 100).map(\.field) == ["intents"])
    }
}
