import CHiredis
import Foundation

/// One blocking hiredis connection. Its calls block the calling thread, so only
/// ``RedisClient`` uses it, from its own thread pool and never from an event loop.
///
/// `@unchecked Sendable`: the client hands a connection to one thread-pool job at a time
/// (it is taken from the idle list and put back only after the call), so hiredis's
/// context is never touched by two threads at once.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>

    private init(context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    deinit {
        redisFree(context)
    }

    /// Connects, authenticates and selects the database, each step bounded by the timeouts.
    static func connect(to url: RedisURL, connectTimeout: Duration, commandTimeout: Duration) throws(RedisError) -> RedisConnection {
        guard let context = redisConnectWithTimeout(url.host, Int32(url.port), timeval(connectTimeout)) else {
            throw .unavailable("out of memory")
        }
        if context.pointee.err != 0 {
            let reason = Self.errorText(context)
            redisFree(context)
            throw .unavailable(reason)
        }
        let connection = RedisConnection(context: context)
        redisSetTimeout(context, timeval(commandTimeout))
        redisEnableKeepAlive(context)
        do {
            if let password = url.password {
                let auth = url.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
                _ = try connection.send(auth.map { Array($0.utf8) })
            }
            if url.database != 0 {
                _ = try connection.send([Array("SELECT".utf8), Array(String(url.database).utf8)])
            }
        } catch {
            if case .server(let message) = error { throw .unavailable("handshake refused: \(message)") }
            throw error
        }
        return connection
    }

    /// Whether hiredis has marked the connection failed; such a connection is discarded.
    var isBroken: Bool { context.pointee.err != 0 }

    /// Sends a command that may legitimately wait (`XREADGROUP … BLOCK`), with a read
    /// timeout stretched by `extraWait` for this one call.
    func send(_ arguments: [[UInt8]], extraWait: Duration, commandTimeout: Duration) throws(RedisError) -> RedisReply {
        redisSetTimeout(context, timeval(commandTimeout + extraWait))
        defer { redisSetTimeout(context, timeval(commandTimeout)) }
        return try send(arguments)
    }

    /// Writes what was appended and reads the next reply (also a subscription's messages).
    func receive() throws(RedisError) -> RedisReply {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
            throw .connectionLost(Self.errorText(context))
        }
        defer { freeReplyObject(raw) }
        return try Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Unblocks a thread waiting in ``receive()`` from another thread; the connection is then broken.
    func interrupt() {
        shutdown(context.pointee.fd, Int32(SHUT_RDWR))
    }

    /// Removes the read timeout, for a connection that waits for pushed messages indefinitely.
    func disableReadTimeout() {
        redisSetTimeout(context, Glibc.timeval(tv_sec: 0, tv_usec: 0))
    }

    /// Sends one command (binary-safe arguments) and reads its reply.
    func send(_ arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        try append(arguments)
        return try receive()
    }

    /// Queues a command in hiredis's output buffer; it is written by the next ``receive()``,
    /// so several appends followed by as many receives make one pipelined round trip.
    func append(_ arguments: [[UInt8]]) throws(RedisError) {
        var lengths = arguments.map(\.count)
        let status = withCStringArray(arguments) { pointers in
            lengths.withUnsafeMutableBufferPointer { lengthBuffer in
                redisAppendCommandArgv(context, Int32(arguments.count), pointers, lengthBuffer.baseAddress)
            }
        }
        guard status == REDIS_OK else {
            throw .connectionLost(Self.errorText(context))
        }
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) throws(RedisError) -> RedisReply {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STATUS:
            return .status(text(value))
        case REDIS_REPLY_ERROR:
            throw .server(text(value))
        case REDIS_REPLY_INTEGER:
            return .integer(Int(value.integer))
        case REDIS_REPLY_STRING:
            return .bulk(bytes(value))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(value.elements)
            for index in 0..<value.elements {
                guard let element = value.element[index] else {
                    elements.append(.null)
                    continue
                }
                elements.append(try convert(element))
            }
            return .array(elements)
        default:
            throw .connectionLost("unexpected reply type \(value.type)")
        }
    }

    private static func bytes(_ reply: redisReply) -> [UInt8] {
        guard let pointer = reply.str, reply.len > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: reply.len) { Array(UnsafeBufferPointer(start: $0, count: reply.len)) }
    }

    private static func text(_ reply: redisReply) -> String {
        String(decoding: bytes(reply), as: UTF8.self)
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            let text = String(decoding: bytes, as: UTF8.self)
            return text.isEmpty ? "error \(context.pointee.err)" : text
        }
    }
}

private func timeval(_ duration: Duration) -> timeval {
    let (seconds, attoseconds) = duration.components
    return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
}

/// Calls `body` with C pointers to each argument's bytes, valid for the duration of the call.
private func withCStringArray<Result>(_ arguments: [[UInt8]], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> Result) -> Result {
    let storage = arguments.map { bytes -> UnsafeMutablePointer<CChar> in
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
        for (index, byte) in bytes.enumerated() {
            (pointer + index).initialize(to: CChar(bitPattern: byte))
        }
        return pointer
    }
    defer { for pointer in storage { pointer.deallocate() } }
    var pointers: [UnsafePointer<CChar>?] = storage.map { UnsafePointer($0) }
    return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
