import NIOConcurrencyHelpers

/// A bounded in-memory map whose entries expire: the fallback store for idempotency keys and
/// rate-limit state while Redis is unreachable. When full, the entry closest to expiry goes first.
public final class ExpiringCache<Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var expiresAt: ContinuousClock.Instant
    }

    private let capacity: Int
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Reads, decides and writes one key atomically: `update` sees the live value (nil when
    /// absent or expired) and returns the value to keep (nil removes it), its lifetime, and a result.
    public func update<Result>(_ key: String, _ update: (Value?) -> (value: Value?, ttl: Duration, result: Result)) -> Result {
        let now = ContinuousClock.now
        return entries.withLockedValue { entries in
            let live = entries[key].flatMap { $0.expiresAt > now ? $0.value : nil }
            let outcome = update(live)
            if let value = outcome.value {
                if entries[key] == nil, entries.count >= capacity {
                    Self.evict(&entries, now: now)
                }
                entries[key] = Entry(value: value, expiresAt: now + outcome.ttl)
            } else {
                entries[key] = nil
            }
            return outcome.result
        }
    }

    public func value(_ key: String) -> Value? {
        let now = ContinuousClock.now
        return entries.withLockedValue { $0[key].flatMap { $0.expiresAt > now ? $0.value : nil } }
    }

    public func remove(_ key: String) {
        _ = entries.withLockedValue { $0.removeValue(forKey: key) }
    }

    /// Drops expired entries; if none had, the one that would expire soonest.
    private static func evict(_ entries: inout [String: Entry], now: ContinuousClock.Instant) {
        let before = entries.count
        entries = entries.filter { $0.value.expiresAt > now }
        if entries.count == before, let soonest = entries.min(by: { $0.value.expiresAt < $1.value.expiresAt })?.key {
            entries[soonest] = nil
        }
    }
}
