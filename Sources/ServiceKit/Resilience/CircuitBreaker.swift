import NIOConcurrencyHelpers

/// Stops calling a dependency that keeps failing: after `maxFailures` failures within
/// `window` it opens and calls fail fast (no network call) for `openDuration`; then it is
/// half-open and lets exactly one probe through, whose success closes it and whose failure
/// opens it again.
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable, Equatable, CaseIterable {
        case closed, open
        case halfOpen = "half_open"

        /// For the breaker-state gauge: 0 closed, 1 half-open, 2 open.
        public var gaugeValue: Double {
            switch self {
            case .closed: 0
            case .halfOpen: 1
            case .open: 2
            }
        }
    }

    /// A call refused without being made.
    public struct OpenError: Error, Equatable, CustomStringConvertible {
        public let name: String
        public var description: String { "circuit breaker for \(name) is open" }
    }

    public let name: String
    let maxFailures: Int
    let window: Duration
    let openDuration: Duration
    private let state = NIOLockedValueBox(Internal())

    private struct Internal {
        var failures: [ContinuousClock.Instant] = []
        var openedAt: ContinuousClock.Instant?
        var probing = false
        var opens = 0
    }

    public init(name: String, maxFailures: Int = 5, window: Duration = .seconds(60), openDuration: Duration = .seconds(30)) {
        self.name = name
        self.maxFailures = maxFailures
        self.window = window
        self.openDuration = openDuration
    }

    public var currentState: State {
        state.withLockedValue { Self.state(of: $0, now: .now, openDuration: openDuration) }
    }

    /// How often it has opened since start.
    public var openCount: Int { state.withLockedValue { $0.opens } }

    private static func state(of value: Internal, now: ContinuousClock.Instant, openDuration: Duration) -> State {
        guard let openedAt = value.openedAt else { return .closed }
        return now - openedAt >= openDuration ? .halfOpen : .open
    }

    /// Asks to make a call; throws ``OpenError`` when the breaker refuses it.
    public func acquire() throws(OpenError) {
        let allowed = state.withLockedValue { value -> Bool in
            switch Self.state(of: value, now: .now, openDuration: openDuration) {
            case .closed:
                return true
            case .open:
                return false
            case .halfOpen:
                guard !value.probing else { return false }
                value.probing = true
                return true
            }
        }
        if !allowed { throw OpenError(name: name) }
    }

    public func recordSuccess() {
        state.withLockedValue { value in
            value.failures.removeAll()
            value.openedAt = nil
            value.probing = false
        }
    }

    /// Records a failure; returns true when it opened the breaker.
    @discardableResult
    public func recordFailure() -> Bool {
        let now = ContinuousClock.now
        return state.withLockedValue { value in
            if value.probing || value.openedAt != nil {
                // The half-open probe failed (or a straggler from before it opened): open again.
                value.probing = false
                value.openedAt = now
                value.opens += 1
                return true
            }
            value.failures = Array((value.failures.filter { now - $0 < window } + [now]).suffix(maxFailures))
            guard value.failures.count >= maxFailures else { return false }
            value.failures.removeAll()
            value.openedAt = now
            value.opens += 1
            return true
        }
    }

    /// Gives the half-open probe back when its call ended without a verdict (cancelled).
    public func releaseProbe() {
        state.withLockedValue { $0.probing = false }
    }
}
