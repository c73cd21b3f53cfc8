import NIOConcurrencyHelpers

/// Admission to the decoder: `capacity` decodes run at once and at most `queueLimit` more wait
/// in arrival order; past that a caller is turned away at once (``TranscriberBusy``) instead of
/// piling up behind work it would time out waiting for. A waiter that is cancelled leaves the
/// queue immediately.
final class DecodeSlots: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var running = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0
    }

    let capacity: Int
    let queueLimit: Int
    private let state = NIOLockedValueBox(State())

    init(capacity: Int, queueLimit: Int) {
        precondition(capacity >= 1 && queueLimit >= 0)
        self.capacity = capacity
        self.queueLimit = queueLimit
    }

    /// Decodes running plus decodes waiting.
    var depth: Int {
        state.withLockedValue { $0.running + $0.waiting.count }
    }

    func acquire() async throws {
        let id = state.withLockedValue { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLockedValue { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.running < capacity {
                        state.running += 1
                        return .success(())
                    }
                    if state.waiting.count >= queueLimit { return .failure(TranscriberBusy(depth: state.running + state.waiting.count)) }
                    state.waiting.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state -> Waiter? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Frees a slot: the longest waiter gets it, or the count goes down.
    func release() {
        let next = state.withLockedValue { state -> Waiter? in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.continuation.resume()
    }
}

/// Every decode slot is taken and the queue is full; try again shortly.
public struct TranscriberBusy: Error, Sendable {
    /// Decodes running and waiting when the caller was turned away.
    public let depth: Int
}
