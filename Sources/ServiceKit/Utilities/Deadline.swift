import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Runs `operation` against a deadline: past `limit` it is cancelled and `timedOut()` is thrown.
///
/// The operation runs in a task of its own so the deadline can cancel it; the call returns once
/// the operation has acknowledged cancellation, which ServiceKit's I/O (Postgres, Redis, sleeps,
/// outbound HTTP) does promptly. The deadline is a callback scheduled on a SwiftNIO event loop
/// and cancelled as soon as the operation ends, so a call that finishes in time leaves nothing
/// behind: no sleeping task holds memory until its timeout would have passed.
func withDeadline<Value: Sendable>(
    _ limit: Duration,
    orThrow timedOut: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    // Inherits the task-locals (request id, trace) like a child task would.
    let task = Task { try await operation() }
    let expiry = DeadlineExpiry(task)
    let timer: NIOScheduledCallback
    do {
        // The process's event loops (those Hummingbird and postgres-nio run on) keep the timers.
        timer = try MultiThreadedEventLoopGroup.singleton.next().scheduleCallback(in: TimeAmount(limit), handler: expiry)
    } catch {
        task.cancel()
        _ = await task.result
        throw error
    }
    let result = await withTaskCancellationHandler {
        await task.result
    } onCancel: {
        task.cancel()
    }
    if expiry.finish() { throw timedOut() }
    timer.cancel()
    return try result.get()
}

/// The deadline of one ``withDeadline(_:orThrow:_:)`` call: cancels the operation's task when
/// it fires before the call finished, and remembers that it did.
private final class DeadlineExpiry<Value: Sendable>: NIOScheduledCallbackHandler, Sendable {
    private struct State {
        var finished = false
        var expired = false
    }

    private let task: Task<Value, any Error>
    private let state = NIOLockedValueBox(State())

    init(_ task: Task<Value, any Error>) {
        self.task = task
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        let expired = state.withLockedValue { state in
            if !state.finished { state.expired = true }
            return state.expired
        }
        if expired { task.cancel() }
    }

    /// Marks the call finished; true when the deadline had fired first.
    func finish() -> Bool {
        state.withLockedValue { state in
            state.finished = true
            return state.expired
        }
    }
}
