import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// A labelled gauge refreshed in the background from a query of counts (jobs per stream and
/// status, deliveries per provider and status), so a scrape never waits on the database.
///
/// The `expected` label sets exist at 0 from the start, so dashboards and alerts see the
/// series before the first sample; a label set that drops out of a sample goes back to 0.
public struct SampledGauge: Service {
    /// One sampled value: the label values, in the order of `labelNames`, and the count.
    public typealias Sample = (labels: [String], value: Double)

    let metrics: ServiceMetrics
    let name: MetricName
    let labelNames: [String]
    let expected: [[String]]
    let interval: Duration
    let logger: Logger
    let sample: @Sendable () async throws -> [Sample]

    public init(
        metrics: ServiceMetrics,
        name: String,
        help: String,
        labelNames: [String],
        expected: [[String]],
        interval: Duration,
        logger: Logger,
        sample: @escaping @Sendable () async throws -> [Sample]
    ) {
        self.metrics = metrics
        self.name = MetricName(namespace: metrics.service, metricName: name, unitName: "", helpText: help)
        self.labelNames = labelNames
        self.expected = expected
        self.interval = interval
        self.logger = logger
        self.sample = sample
        for labels in expected { set(labels, to: 0) }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    private func loop() async {
        var reported = Set(expected)
        var failing = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let samples = try await sample()
                var seen = Set<[String]>()
                for sample in samples where sample.labels.count == labelNames.count {
                    set(sample.labels, to: sample.value)
                    seen.insert(sample.labels)
                }
                for labels in reported.subtracting(seen) { set(labels, to: 0) }
                reported = seen.union(expected)
                if failing { logger.notice("gauge is sampled again", metadata: ["metric": "\(name.namespace)_\(name.metricName)"]) }
                failing = false
            } catch {
                // The last values stay: a stale count is more useful than a gap, and /health already says what is down.
                if !failing {
                    logger.warning(
                        "gauge cannot be sampled",
                        metadata: ["metric": "\(name.namespace)_\(name.metricName)", "error": "\(String(reflecting: error))"]
                    )
                }
                failing = true
            }
            try? await Task.sleep(for: interval)
        }
    }

    private func set(_ labels: [String], to value: Double) {
        metrics.registry.makeGauge(descriptor: name.descriptor, labels: Array(zip(labelNames, labels))).set(to: value)
    }
}

extension SampledGauge {
    /// The samples of `query`, whose rows are label values followed by a count; none until
    /// the schema is migrated.
    public static func counts(_ query: PostgresQuery, in database: Database) async throws -> [Sample] {
        guard database.isMigrated else { return [] }
        return try await database.query(query).map { row in
            let columns = row.makeRandomAccess()
            let labels = try (0..<columns.count - 1).map { try columns[$0].decode(String.self) }
            return (labels, Double(try columns[columns.count - 1].decode(Int.self)))
        }
    }
}
