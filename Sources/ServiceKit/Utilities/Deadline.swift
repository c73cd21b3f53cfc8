/// Runs `operation` against a deadline: past `limit` it is cancelled and `timedOut()` is thrown.
///
/// The operation runs in a child task so the deadline can cancel it; the call returns once the
/// operation has acknowledged cancellation, which ServiceKit's I/O (Postgres, Redis, sleeps,
/// outbound HTTP) does promptly.
func withDeadline<Value: Sendable>(
    _ limit: Duration,
    orThrow timedOut: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw timedOut()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
