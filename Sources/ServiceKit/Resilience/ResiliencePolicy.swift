import Prometheus

/// Calls an outside provider within bounds, composed outermost first: the total time budget ⊃
/// retries (exponential backoff with full jitter, `Retry-After` honoured, a retry budget) ⊃
/// the circuit breaker ⊃ the per-attempt timeout. No call takes longer than its total budget
/// plus the time an attempt needs to notice cancellation, nor, inside a request, past that
/// request's deadline (``RequestDeadline``).
public final class ResiliencePolicy: Sendable {
    public let provider: String
    public let settings: ResilienceSettings
    public let breaker: CircuitBreaker
    let retryBudget: RetryBudget
    let metrics: ProviderMetrics

    public init(provider: String, settings: ResilienceSettings, metrics: ServiceMetrics) {
        self.provider = provider
        self.settings = settings
        self.breaker = CircuitBreaker(
            name: provider,
            maxFailures: settings.breakerMaxFailures,
            window: settings.breakerWindow,
            openDuration: settings.breakerOpenDuration
        )
        self.retryBudget = RetryBudget(ratio: settings.retryBudgetRatio)
        self.metrics = ProviderMetrics(metrics: metrics, provider: provider)
        self.metrics.breakerState(.closed)
    }

    /// Runs `attempt` (given its number, from 1) until it succeeds or the policy gives up.
    /// An attempt reports failure by throwing ``ProviderFailure``; any other error (a
    /// transport error) counts as retryable and against the breaker.
    public func execute<Value: Sendable>(_ attempt: @escaping @Sendable (Int) async throws -> Value) async throws -> Value {
        let start = ContinuousClock.now
        // Within a request, no attempt or backoff outlasts the time its caller has left.
        let budgetEnd = start + settings.totalBudget
        let deadline = RequestDeadline.current.map { min($0, budgetEnd) } ?? budgetEnd
        defer { metrics.latency(ContinuousClock.now - start) }
        retryBudget.recordCall()
        var lastFailure: ProviderFailure?
        for number in 1...settings.maxAttempts {
            let remaining = deadline - .now
            guard remaining > .zero else { throw ProviderCallError.budgetExhausted(attempts: number - 1, last: lastFailure?.description) }
            do {
                try breaker.acquire()
            } catch {
                throw ProviderCallError.circuitOpen(provider: provider)
            }
            metrics.breakerState(breaker.currentState)
            let failure: ProviderFailure
            do {
                let limit = min(settings.attemptTimeout, remaining)
                let value = try await withDeadline(limit, orThrow: { AttemptTimeout(limit: limit) }, { try await attempt(number) })
                breaker.recordSuccess()
                metrics.breakerState(.closed)
                return value
            } catch is CancellationError {
                breaker.releaseProbe()
                throw CancellationError()
            } catch let error as ProviderFailure {
                failure = error
            } catch let error as AttemptTimeout {
                failure = ProviderFailure(retryable: true, countsAgainstBreaker: true, description: error.description)
            } catch {
                failure = ProviderFailure(retryable: true, countsAgainstBreaker: true, description: "transport error: \(error)")
            }
            lastFailure = failure
            if failure.countsAgainstBreaker {
                if breaker.recordFailure() { metrics.breakerOpened() }
            } else {
                breaker.recordSuccess()
            }
            metrics.breakerState(breaker.currentState)
            guard failure.retryable, number < settings.maxAttempts else { throw ProviderCallError.failed(failure, attempts: number) }
            let delay = failure.retryAfter ?? Backoff(base: settings.baseDelay, cap: settings.totalBudget).delay(attempt: number - 1)
            guard ContinuousClock.now + delay < deadline else {
                throw ProviderCallError.budgetExhausted(attempts: number, last: failure.description)
            }
            guard retryBudget.withdraw() else { throw ProviderCallError.failed(failure, attempts: number) }
            metrics.retried()
            try await Task.sleep(for: delay)
        }
        throw ProviderCallError.failed(lastFailure!, attempts: settings.maxAttempts)
    }

    struct AttemptTimeout: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "no answer within \(limit.seconds)s" }
    }
}

/// The provider metrics of one policy: `<svc>_provider_retries_total`,
/// `<svc>_provider_cb_open_total`, `<svc>_provider_latency_seconds` and
/// `<svc>_provider_circuit_state` (0 closed, 1 half-open, 2 open), labelled `service=<provider>`.
struct ProviderMetrics: Sendable {
    let retries: Counter
    let opens: Counter
    let latencies: DurationHistogram
    let state: Gauge

    init(metrics: ServiceMetrics, provider: String) {
        let name = metrics.service
        let labels = [("service", provider)]
        retries = metrics.registry.makeCounter(
            descriptor: MetricName(
                namespace: name,
                metricName: "provider_retries",
                unitName: "total",
                helpText: "Retries of calls to outside providers."
            ).descriptor,
            labels: labels
        )
        opens = metrics.registry.makeCounter(
            descriptor: MetricName(
                namespace: name,
                metricName: "provider_cb_open",
                unitName: "total",
                helpText: "Times a provider's circuit breaker opened."
            ).descriptor,
            labels: labels
        )
        latencies = metrics.registry.makeDurationHistogram(
            descriptor: MetricName(
                namespace: name,
                metricName: "provider_latency",
                unitName: "seconds",
                helpText: "Time of a call to a provider, all attempts together."
            ).descriptor,
            labels: labels,
            buckets: ServiceMetrics.durationBuckets
        )
        state = metrics.registry.makeGauge(
            descriptor: MetricName(
                namespace: name,
                metricName: "provider_circuit_state",
                unitName: "",
                helpText: "A provider's circuit breaker: 0 closed, 1 half-open, 2 open."
            ).descriptor,
            labels: labels
        )
    }

    func retried() { retries.increment() }
    func breakerOpened() { opens.increment() }
    func latency(_ duration: Duration) { latencies.record(duration) }
    func breakerState(_ value: CircuitBreaker.State) { state.set(to: value.gaugeValue) }
}
