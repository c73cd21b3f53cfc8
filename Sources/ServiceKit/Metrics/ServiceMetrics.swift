import Hummingbird
import NIOConcurrencyHelpers
import Prometheus

/// One service's Prometheus registry and the suite-wide HTTP and dependency metrics,
/// all named `<service>_…`. Each service instance owns its registry, so several can share a process.
public final class ServiceMetrics: Sendable {
    /// What kind of failure an error response was, for `<svc>_http_errors_total{type}`.
    public enum ErrorKind: String, Sendable, CaseIterable {
        case validation, unhandled, timeout
    }

    /// How an idempotent request was answered, for `<svc>_idempotency_requests_total{result}`.
    public enum IdempotencyResult: String, Sendable, CaseIterable {
        case new, replayed, conflict, mismatch
    }

    public let registry: PrometheusCollectorRegistry
    public let service: String

    private let requests: MetricName
    private let duration: MetricName
    private let errors: MetricName
    private let dependencyUp: MetricName
    private let idempotency: MetricName
    private let rateLimited: MetricName

    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    public init(service: String, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.service = service
        self.registry = registry
        requests = MetricName(
            namespace: service,
            metricName: "http_requests",
            unitName: "total",
            helpText: "HTTP requests answered, by method, route template and status."
        )
        duration = MetricName(
            namespace: service,
            metricName: "http_request_duration",
            unitName: "seconds",
            helpText: "Time to produce a response, by method and route template."
        )
        errors = MetricName(
            namespace: service,
            metricName: "http_errors",
            unitName: "total",
            helpText: "Error responses by kind: validation, unhandled or timeout."
        )
        dependencyUp = MetricName(
            namespace: service,
            metricName: "dependency_up",
            unitName: "",
            helpText: "1 when the last probe of the dependency succeeded, else 0."
        )
        idempotency = MetricName(
            namespace: service,
            metricName: "idempotency_requests",
            unitName: "total",
            helpText: "Requests carrying an Idempotency-Key, by outcome: new, replayed, conflict or mismatch."
        )
        rateLimited = MetricName(
            namespace: service,
            metricName: "rate_limited_requests",
            unitName: "total",
            helpText: "Requests refused with 429 by the rate limiter."
        )
        _ = registry.makeCounter(descriptor: rateLimited.descriptor)
        // Present from the start at zero, so alerts and rate() see the series before the first error.
        for kind in ErrorKind.allCases {
            _ = registry.makeCounter(descriptor: errors.descriptor, labels: [("type", kind.rawValue)])
        }
    }

    /// The request metrics of one method, route and status, looked up once and then reused:
    /// the registry's own lookup builds names and compares label lists on every call.
    private struct RouteMetrics: Sendable {
        let requests: Counter
        let duration: DurationHistogram
    }

    private struct RouteMetricsKey: Hashable {
        let method: HTTPRequest.Method
        let path: String
        let status: Int
    }

    private let routeMetrics = NIOLockedValueBox<[RouteMetricsKey: RouteMetrics]>([:])

    public func recordRequest(method: HTTPRequest.Method, path: String, status: HTTPResponse.Status, duration elapsed: Duration) {
        let key = RouteMetricsKey(method: method, path: path, status: status.code)
        let metrics = routeMetrics.withLockedValue { cache in
            if let cached = cache[key] { return cached }
            let created = RouteMetrics(
                requests: registry.makeCounter(
                    descriptor: requests.descriptor,
                    labels: [("method", method.rawValue), ("path", path), ("status", String(status.code))]
                ),
                duration: registry.makeDurationHistogram(
                    descriptor: duration.descriptor,
                    labels: [("method", method.rawValue), ("path", path)],
                    buckets: Self.durationBuckets
                )
            )
            cache[key] = created
            return created
        }
        metrics.requests.increment()
        metrics.duration.record(elapsed)
    }

    public func recordError(_ kind: ErrorKind) {
        registry.makeCounter(descriptor: errors.descriptor, labels: [("type", kind.rawValue)]).increment()
    }

    public func recordIdempotency(_ result: IdempotencyResult) {
        registry.makeCounter(descriptor: idempotency.descriptor, labels: [("result", result.rawValue)]).increment()
    }

    public func recordRateLimited() {
        registry.makeCounter(descriptor: rateLimited.descriptor).increment()
    }

    public func setDependency(_ dependency: Dependency, up: Bool) {
        registry.makeGauge(descriptor: dependencyUp.descriptor, labels: [("component", dependency.rawValue)]).set(to: up ? 1.0 : 0.0)
    }

    /// The Prometheus text exposition of everything registered.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

/// The parts of a metric's name and its help text; swift-prometheus's own descriptor is not `Sendable`.
public struct MetricName: Sendable {
    public let namespace: String
    public let metricName: String
    public let unitName: String
    public let helpText: String

    public init(namespace: String, metricName: String, unitName: String, helpText: String) {
        self.namespace = namespace
        self.metricName = metricName
        self.unitName = unitName
        self.helpText = helpText
    }

    public var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(namespace: namespace, metricName: metricName, unitName: unitName, helpText: helpText)
    }
}
