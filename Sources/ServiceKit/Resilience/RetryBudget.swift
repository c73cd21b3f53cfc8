import NIOConcurrencyHelpers

/// Caps retries at `ratio` of the calls made in the last `window`, plus `minimumPerWindow`,
/// so that during an outage retries cannot multiply the load on a struggling dependency.
///
/// Counts in one-second buckets, so recording stays cheap however many calls there are.
public final class RetryBudget: Sendable {
    let ratio: Double
    let minimumPerWindow: Int
    let seconds: Int
    private let buckets: NIOLockedValueBox<[Bucket]>
    private let start = ContinuousClock.now

    private struct Bucket {
        var second = -1
        var calls = 0
        var retries = 0
    }

    public init(ratio: Double = 0.2, minimumPerWindow: Int = 10, window: Duration = .seconds(10)) {
        self.ratio = ratio
        self.minimumPerWindow = minimumPerWindow
        self.seconds = max(1, Int(window.components.seconds))
        self.buckets = NIOLockedValueBox(Array(repeating: Bucket(), count: max(1, Int(window.components.seconds))))
    }

    private func currentSecond() -> Int {
        Int((ContinuousClock.now - start).components.seconds)
    }

    /// The bucket for `second`, emptied if it still holds an older second's counts.
    private func bucketIndex(_ buckets: inout [Bucket], second: Int) -> Int {
        let index = second % seconds
        if buckets[index].second != second { buckets[index] = Bucket(second: second) }
        return index
    }

    public func recordCall() {
        let second = currentSecond()
        buckets.withLockedValue { buckets in
            buckets[bucketIndex(&buckets, second: second)].calls += 1
        }
    }

    /// Takes one retry from the budget; false when none is left.
    public func withdraw() -> Bool {
        let second = currentSecond()
        return buckets.withLockedValue { buckets in
            let live = buckets.filter { second - $0.second < seconds && $0.second >= 0 }
            let allowance = Double(minimumPerWindow) + ratio * Double(live.reduce(0) { $0 + $1.calls })
            guard Double(live.reduce(0) { $0 + $1.retries }) < allowance else { return false }
            buckets[bucketIndex(&buckets, second: second)].retries += 1
            return true
        }
    }
}
