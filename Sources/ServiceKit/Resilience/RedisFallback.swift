import Logging
import NIOConcurrencyHelpers

/// Runs an operation on Redis and, when Redis cannot be reached, on an in-memory stand-in.
///
/// Logs one warning when a feature starts falling back and one notice when Redis serves it
/// again, not one line per request. Redis error replies are not outages and are rethrown.
public final class RedisFallback: Sendable {
    private let feature: String
    private let redis: RedisClient?
    private let logger: Logger
    private let fallingBack = NIOLockedValueBox(false)

    public init(feature: String, redis: RedisClient?, logger: Logger) {
        self.feature = feature
        self.redis = redis
        self.logger = logger
    }

    public func run<Value>(redis operation: (RedisClient) async throws -> Value, memory: () -> Value) async throws -> Value {
        guard let redis else { return memory() }
        do {
            let value = try await operation(redis)
            if exchangeFallingBack(false) {
                logger.notice("\(feature) is back on redis")
            }
            return value
        } catch let error as RedisError {
            if case .server = error { throw error }
            if !exchangeFallingBack(true) {
                logger.warning("redis unreachable; \(feature) continues in memory", metadata: ["reason": "\(error)"])
            }
            return memory()
        }
    }

    /// Sets the state and returns the previous one.
    private func exchangeFallingBack(_ new: Bool) -> Bool {
        fallingBack.withLockedValue { state in
            defer { state = new }
            return state
        }
    }
}
