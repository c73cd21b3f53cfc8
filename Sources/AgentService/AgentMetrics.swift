import Atomics
import Prometheus
import ServiceKit

/// agent's own metrics: `agent_runs_total{status}` (runs that ended, or paused for approval),
/// `agent_node_duration_seconds{node}`, `agent_runs_active` (runs this replica drives now);
/// `agent_sse_streams` belongs to the routes' ``StreamSlots``.
struct AgentMetrics: Sendable {
    let metrics: ServiceMetrics
    private let runs: MetricName
    private let nodeDuration: MetricName
    private let active: Gauge
    private let activeCount = ManagedAtomic(0)

    static let nodeBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    init(metrics: ServiceMetrics) {
        self.metrics = metrics
        let service = metrics.service
        runs = MetricName(
            namespace: service,
            metricName: "runs",
            unitName: "total",
            helpText: "Runs by the status they reached: completed, failed, cancelled, or awaiting_approval when they paused."
        )
        nodeDuration = MetricName(
            namespace: service,
            metricName: "node_duration",
            unitName: "seconds",
            helpText: "Time one node of the graph took, by node."
        )
        active = metrics.registry.makeGauge(
            descriptor: MetricName(namespace: service, metricName: "runs_active", unitName: "", helpText: "Runs this replica is driving now.")
                .descriptor
        )
        active.set(to: 0)
        for status in [RunStatus.completed, .failed, .cancelled, .awaitingApproval] {
            _ = metrics.registry.makeCounter(descriptor: runs.descriptor, labels: [("status", status.rawValue)])
        }
    }

    func recordRun(_ status: RunStatus) {
        metrics.registry.makeCounter(descriptor: runs.descriptor, labels: [("status", status.rawValue)]).increment()
    }

    func recordNode(_ node: NodeName, duration: Duration) {
        metrics.registry.makeDurationHistogram(descriptor: nodeDuration.descriptor, labels: [("node", node.rawValue)], buckets: Self.nodeBuckets)
            .record(duration)
    }

    func runStarted() { active.set(to: Double(activeCount.wrappingIncrementThenLoad(ordering: .relaxed))) }

    func runStopped() { active.set(to: Double(activeCount.wrappingDecrementThenLoad(ordering: .relaxed))) }
}
