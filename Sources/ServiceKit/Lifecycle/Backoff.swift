/// Exponential backoff with full jitter: attempt n waits a random time up to `base · 2ⁿ`, capped.
public struct Backoff: Sendable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration = .milliseconds(100), cap: Duration = .seconds(5)) {
        self.base = base
        self.cap = cap
    }

    /// The delay before retry number `attempt` (0 for the first retry).
    public func delay(attempt: Int) -> Duration {
        let ceiling = min(cap.seconds, base.seconds * Double(1 << min(attempt, 30)))
        return .milliseconds(Int64(Double.random(in: ceiling / 2...ceiling) * 1000))
    }
}
