import Foundation

/// One Redis connection served by a thread of its own that pipelines: whatever commands
/// are waiting when it wakes are written together and their replies read in order. Under
/// load one round trip (and one pair of system calls) serves many requests, and no request
/// thread ever blocks on Redis.
///
/// `@unchecked Sendable`: `pending` and `connection` are guarded by `condition`'s lock, and
/// the connection is used only by the pipeline's thread.
final class RedisPipeline: @unchecked Sendable {
    typealias Submission = (arguments: [[UInt8]], continuation: CheckedContinuation<RedisReply, any Error>)

    private let condition = NSCondition()
    private var pending: [Submission] = []
    private var stopped = false
    private let connect: @Sendable () throws(RedisError) -> RedisConnection
    private let connectionFailed: @Sendable (RedisError) -> Void
    /// Most commands written in one round trip; bounds the wait of the last one in a batch.
    private let maxBatch = 128

    /// - Parameters:
    ///   - connect: opens a connection (the client applies its backoff there).
    ///   - connectionFailed: told when the connection breaks, so the client can note the outage.
    init(
        name: String,
        connect: @escaping @Sendable () throws(RedisError) -> RedisConnection,
        connectionFailed: @escaping @Sendable (RedisError) -> Void
    ) {
        self.connect = connect
        self.connectionFailed = connectionFailed
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    func submit(_ arguments: [[UInt8]]) async throws -> RedisReply {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            guard !stopped else {
                continuation.resume(throwing: RedisError.unavailable("client is shut down"))
                return
            }
            pending.append((arguments, continuation))
            condition.signal()
        }
    }

    /// Fails what is queued and ends the thread once it is idle.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        var connection: RedisConnection?
        while let batch = nextBatch() {
            if connection == nil {
                do {
                    connection = try connect()
                } catch {
                    for request in batch { request.continuation.resume(throwing: error) }
                    continue
                }
            }
            if let failure = send(batch, on: connection!) {
                connection = nil
                connectionFailed(failure)
            }
        }
    }

    /// Waits for work; nil once stopped, after failing anything left.
    private func nextBatch() -> [Submission]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty, !stopped { condition.wait() }
        if stopped {
            for request in pending { request.continuation.resume(throwing: RedisError.unavailable("client is shut down")) }
            pending.removeAll()
            return nil
        }
        let batch = Array(pending.prefix(maxBatch))
        pending.removeFirst(batch.count)
        return batch
    }

    /// Writes the batch, reads its replies; returns the error that broke the connection, if one did.
    private func send(_ batch: [Submission], on connection: RedisConnection) -> RedisError? {
        for submission in batch {
            do {
                try connection.append(submission.arguments)
            } catch {
                for request in batch { request.continuation.resume(throwing: error) }
                return error
            }
        }
        for (index, submission) in batch.enumerated() {
            do {
                submission.continuation.resume(returning: try connection.receive())
            } catch {
                // An error reply answers one command; anything else ends the connection.
                if case .server = error {
                    submission.continuation.resume(throwing: error)
                    continue
                }
                for request in batch[index...] { request.continuation.resume(throwing: error) }
                return error
            }
        }
        return nil
    }
}
