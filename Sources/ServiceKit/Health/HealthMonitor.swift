import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// Runs the dependency probes for `/health`, `/ready` and the `dependency_up` gauge.
///
/// Each probe is bounded by a timeout, and its result is reused for `cacheTTL`; callers that
/// arrive while a probe runs share it. A flood of health checks therefore costs each
/// dependency at most one probe per TTL.
public actor HealthMonitor {
    /// The outcome of one probe.
    public struct ProbeResult: Sendable, Codable, Equatable {
        public enum Status: String, Sendable, Codable, SchemaEnumeration { case up, down }
        public var status: Status
        public var latencyMs: Double
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case status, error
            case latencyMs = "latency_ms"
        }
    }

    private let probes: [any DependencyProbe]
    private let timeout: Duration
    private let cacheTTL: Duration
    private let metrics: ServiceMetrics
    private let logger: Logger
    private var cached: (at: ContinuousClock.Instant, results: [Dependency: ProbeResult])?
    private var inFlight: Task<[Dependency: ProbeResult], Never>?

    public init(probes: [any DependencyProbe], timeout: Duration, cacheTTL: Duration = .seconds(1), metrics: ServiceMetrics, logger: Logger) {
        self.probes = probes
        self.timeout = timeout
        self.cacheTTL = cacheTTL
        self.metrics = metrics
        self.logger = logger
    }

    /// Current results, probing only when the cached ones are older than the TTL.
    public func results() async -> [Dependency: ProbeResult] {
        if let cached, ContinuousClock.now - cached.at < cacheTTL {
            return cached.results
        }
        if let inFlight {
            return await inFlight.value
        }
        let task = Task { await Self.probeAll(probes, timeout: timeout) }
        inFlight = task
        let results = await task.value
        inFlight = nil
        record(results)
        return results
    }

    private func record(_ results: [Dependency: ProbeResult]) {
        let previous = cached?.results
        cached = (ContinuousClock.now, results)
        for (dependency, result) in results {
            metrics.setDependency(dependency, up: result.status == .up)
            if let before = previous?[dependency], before.status != result.status {
                logger.notice(
                    "dependency \(result.status == .up ? "recovered" : "down")",
                    metadata: ["component": "\(dependency.rawValue)", "reason": "\(result.error ?? "")"]
                )
            }
        }
    }

    private static func probeAll(_ probes: [any DependencyProbe], timeout: Duration) async -> [Dependency: ProbeResult] {
        await withTaskGroup(of: (Dependency, ProbeResult).self) { group in
            for probe in probes {
                group.addTask { (probe.dependency, await probeOne(probe, timeout: timeout)) }
            }
            var results: [Dependency: ProbeResult] = [:]
            for await (dependency, result) in group { results[dependency] = result }
            return results
        }
    }

    /// Runs one probe and answers at its timeout even if the probe is stuck in a call that
    /// cannot be interrupted (a blocking Redis read); the probe then ends on its own bound.
    private static func probeOne(_ probe: any DependencyProbe, timeout: Duration) async -> ProbeResult {
        let start = ContinuousClock.now
        let work = Task { try await probe.check() }
        let outcome: Result<Void, any Error> = await withCheckedContinuation { continuation in
            let answered = NIOLockedValueBox(false)
            let answer: @Sendable (Result<Void, any Error>) -> Void = { result in
                let first = answered.withLockedValue { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: result) }
            }
            let timer = Task {
                try await Task.sleep(for: timeout)
                work.cancel()
                answer(.failure(ProbeError.timedOut(timeout)))
            }
            Task {
                let result = await work.result
                timer.cancel()
                answer(result)
            }
        }
        let latencyMs = ((ContinuousClock.now - start).seconds * 10_000).rounded() / 10
        switch outcome {
        case .success: return ProbeResult(status: .up, latencyMs: latencyMs, error: nil)
        case .failure(let error): return ProbeResult(status: .down, latencyMs: latencyMs, error: describe(error))
        }
    }

    /// A short, secret-free reason: connection URLs and server messages are not repeated.
    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ProbeError: error.description
        case let error as RedisError: error.description
        case is PSQLError: "postgres query failed"
        default: "\(type(of: error))"
        }
    }
}
