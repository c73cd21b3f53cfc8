import Foundation

/// A message published on a channel this process subscribed to.
public struct RedisMessage: Sendable, Equatable {
    public init(channel: String, payload: [UInt8]) {
        self.channel = channel
        self.payload = payload
    }

    public let channel: String
    public let payload: [UInt8]
}

extension RedisClient {
    /// Subscribes on a connection of its own, read by a dedicated thread (a subscriber waits
    /// indefinitely, so it must not hold one of the pool's threads). The messages end with an
    /// error if the connection is lost; leaving the iteration closes the connection.
    public func subscribe(to channels: [String]) async throws -> RedisSubscription {
        precondition(!channels.isEmpty, "subscribe to at least one channel")
        let url = self.url
        let (connectTimeout, commandTimeout) = (self.connectTimeout, self.commandTimeout)
        let connection = try await Task.detached {
            let connection = try RedisConnection.connect(to: url, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
            _ = try connection.send([Array("SUBSCRIBE".utf8)] + channels.map { Array($0.utf8) })
            for _ in channels.dropFirst() { _ = try connection.receive() }
            connection.disableReadTimeout()
            return connection
        }.value

        let (stream, continuation) = AsyncThrowingStream.makeStream(of: RedisMessage.self)
        continuation.onTermination = { _ in connection.interrupt() }
        let reader = Thread {
            while true {
                do {
                    // ["message", channel, payload]
                    guard let parts = try connection.receive().array, parts.count == 3, parts[0].string == "message",
                        let channel = parts[1].string, case .bulk(let payload) = parts[2]
                    else { continue }
                    if case .terminated = continuation.yield(RedisMessage(channel: channel, payload: payload)) { return }
                } catch {
                    continuation.finish(throwing: error)
                    return
                }
            }
        }
        reader.name = "redis-subscriber"
        reader.start()
        return RedisSubscription(messages: stream, connection: connection)
    }
}

/// Messages from ``RedisClient/subscribe(to:)``. Its connection closes when iteration ends,
/// by `break` as much as by cancellation.
public struct RedisSubscription: AsyncSequence, Sendable {
    public typealias Element = RedisMessage
    let messages: AsyncThrowingStream<RedisMessage, any Error>
    let connection: RedisConnection

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<RedisMessage, any Error>.AsyncIterator
        let closer: ConnectionCloser

        public mutating func next() async throws -> RedisMessage? {
            try await base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: messages.makeAsyncIterator(), closer: ConnectionCloser(connection: connection))
    }
}

/// Interrupts the subscriber's connection when the last iterator holding it goes away.
final class ConnectionCloser: Sendable {
    let connection: RedisConnection
    init(connection: RedisConnection) { self.connection = connection }
    deinit { connection.interrupt() }
}
