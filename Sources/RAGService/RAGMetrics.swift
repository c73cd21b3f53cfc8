import Prometheus
import ServiceKit

/// rag's own metrics: `rag_index_chunks_total`, `rag_index_duration_seconds`,
/// `rag_search_duration_seconds{mode}` and `rag_answer_total{mode,degraded}`.
struct RAGMetrics: Sendable {
    let metrics: ServiceMetrics
    private let indexedChunks: Counter
    private let indexDuration: DurationHistogram
    private let searchDuration: MetricName
    private let answers: MetricName

    static let indexBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        .seconds(60), .seconds(180),
    ]
    static let searchBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1),
    ]

    init(metrics: ServiceMetrics) {
        self.metrics = metrics
        let service = metrics.service
        indexedChunks = metrics.registry.makeCounter(
            descriptor: MetricName(
                namespace: service,
                metricName: "index_chunks",
                unitName: "total",
                helpText: "Chunks stored by index jobs (copied ones included)."
            ).descriptor
        )
        indexDuration = metrics.registry.makeDurationHistogram(
            descriptor: MetricName(
                namespace: service,
                metricName: "index_duration",
                unitName: "seconds",
                helpText: "Time to index one document: fetch, extraction, chunking, embedding and storage."
            ).descriptor,
            buckets: Self.indexBuckets
        )
        searchDuration = MetricName(
            namespace: service,
            metricName: "search_duration",
            unitName: "seconds",
            helpText: "Time to rank chunks for a query, embedding included, by mode."
        )
        answers = MetricName(
            namespace: service,
            metricName: "answer",
            unitName: "total",
            helpText: "Answers by mode and whether a configured model failed (degraded)."
        )
    }

    func recordIndexed(chunks: Int, duration: Duration) {
        indexedChunks.increment(by: Int64(chunks))
        indexDuration.record(duration)
    }

    func recordSearch(mode: SearchRequest.Mode, duration: Duration) {
        metrics.registry.makeDurationHistogram(descriptor: searchDuration.descriptor, labels: [("mode", mode.rawValue)], buckets: Self.searchBuckets)
            .record(duration)
    }

    func recordAnswer(mode: Answer.Mode, degraded: Bool) {
        metrics.registry.makeCounter(descriptor: answers.descriptor, labels: [("mode", mode.rawValue), ("degraded", String(degraded))]).increment()
    }
}
