import Atomics
import Hummingbird
import Prometheus

/// A per-replica cap on long-lived responses (event streams, WebSocket sessions): each open one holds a slot,
/// and past `capacity` a new one is refused with 503 and `Retry-After`, so slow readers
/// cannot pin every connection. The number held is the gauge `<svc>_<name>`.
public final class StreamSlots: Sendable {
    public let capacity: Int
    private let held = ManagedAtomic(0)
    private let gauge: Gauge

    public init(capacity: Int, metrics: ServiceMetrics, name: String, help: String) {
        self.capacity = capacity
        gauge = metrics.registry.makeGauge(
            descriptor: MetricName(namespace: metrics.service, metricName: name, unitName: "", helpText: help).descriptor
        )
        gauge.set(to: 0)
    }

    /// Takes a slot, or throws 503 when all are held; call ``release()`` when the stream ends.
    public func acquire() throws {
        let count = held.wrappingIncrementThenLoad(ordering: .relaxed)
        guard count <= capacity else {
            held.wrappingDecrement(ordering: .relaxed)
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "5"], message: "Too many open streams on this replica; retry shortly.")
        }
        gauge.set(to: Double(count))
    }

    public func release() {
        gauge.set(to: Double(held.wrappingDecrementThenLoad(ordering: .relaxed)))
    }
}
