import Prometheus
import ServiceKit

/// nlu's own metrics: `nlu_parse_duration_seconds` (a request's parse, batch or single),
/// `nlu_intent_total{model,intent}` and `nlu_training_seconds`.
struct NLUMetrics: Sendable {
    let metrics: ServiceMetrics
    private let parseDuration: DurationHistogram
    private let training: DurationHistogram
    private let intents: MetricName

    static let parseBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5),
    ]
    static let trainingBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        .seconds(120),
    ]

    init(metrics: ServiceMetrics) {
        self.metrics = metrics
        let service = metrics.service
        parseDuration = metrics.registry.makeDurationHistogram(
            descriptor: MetricName(
                namespace: service,
                metricName: "parse_duration",
                unitName: "seconds",
                helpText: "Time to parse a request's texts: embedding, intent, entities and sentiment."
            ).descriptor,
            buckets: Self.parseBuckets
        )
        training = metrics.registry.makeDurationHistogram(
            descriptor: MetricName(
                namespace: service,
                metricName: "training",
                unitName: "seconds",
                helpText: "Time to train a model version: embedding its examples, cross-validation and the final fit."
            ).descriptor,
            buckets: Self.trainingBuckets
        )
        intents = MetricName(
            namespace: service,
            metricName: "intent",
            unitName: "total",
            helpText: "Parsed texts by model and intent answered (out_of_scope included)."
        )
    }

    func recordParse(_ elapsed: Duration) { parseDuration.record(elapsed) }

    func recordTraining(seconds: Double) { training.record(.milliseconds(Int64(seconds * 1000))) }

    func recordIntent(model: String, intent: String) {
        metrics.registry.makeCounter(descriptor: intents.descriptor, labels: [("model", model), ("intent", intent)]).increment()
    }
}
