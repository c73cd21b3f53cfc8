import Prometheus
import ServiceKit
import Synchronization

/// asr's own metrics: `asr_audio_seconds_total`, `asr_realtime_factor`, `asr_queue_depth` and
/// `asr_transcriptions_total{engine,outcome}`.
final class ASRMetrics: Sendable {
    let metrics: ServiceMetrics
    private let audioSeconds: Counter
    private let realtimeFactor: ValueHistogram
    private let queueDepth: Gauge
    private let transcriptions: MetricName
    private let inProgress = Atomic<Int>(0)

    /// Processing time over audio time; below 1 is faster than real time.
    static let realtimeBuckets: [Double] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]

    enum Outcome: String {
        case ok, rejected, busy, cancelled, failed
    }

    init(metrics: ServiceMetrics) {
        self.metrics = metrics
        let service = metrics.service
        audioSeconds = metrics.registry.makeCounter(
            descriptor: MetricName(namespace: service, metricName: "audio_seconds", unitName: "total", helpText: "Seconds of audio transcribed.")
                .descriptor
        )
        realtimeFactor = metrics.registry.makeValueHistogram(
            descriptor: MetricName(
                namespace: service,
                metricName: "realtime_factor",
                unitName: "",
                helpText: "Processing time over audio duration, per transcription."
            ).descriptor,
            buckets: Self.realtimeBuckets
        )
        queueDepth = metrics.registry.makeGauge(
            descriptor: MetricName(
                namespace: service,
                metricName: "queue_depth",
                unitName: "",
                helpText: "Transcriptions being decoded or waiting for the decoder."
            ).descriptor
        )
        transcriptions = MetricName(
            namespace: service,
            metricName: "transcriptions",
            unitName: "total",
            helpText: "Transcriptions by engine and outcome."
        )
        for outcome in [Outcome.ok, .rejected, .busy, .cancelled, .failed] {
            counter(engine: SpeechToText.localEngine, outcome: outcome).increment(by: Int64(0))
        }
    }

    func started() {
        queueDepth.set(to: Double(inProgress.add(1, ordering: .relaxed).newValue))
    }

    func finished() {
        queueDepth.set(to: Double(inProgress.subtract(1, ordering: .relaxed).newValue))
    }

    func recordTranscribed(engine: String, audioSeconds seconds: Double, processingSeconds: Double) {
        counter(engine: engine, outcome: .ok).increment()
        audioSeconds.increment(by: seconds)
        if seconds > 0 { realtimeFactor.record(processingSeconds / seconds) }
    }

    func record(engine: String, outcome: Outcome) {
        counter(engine: engine, outcome: outcome).increment()
    }

    private func counter(engine: String, outcome: Outcome) -> Counter {
        metrics.registry.makeCounter(descriptor: transcriptions.descriptor, labels: [("engine", engine), ("outcome", outcome.rawValue)])
    }
}
