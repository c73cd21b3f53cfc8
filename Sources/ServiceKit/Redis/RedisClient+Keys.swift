/// Key commands: strings, counters and expiry.
extension RedisClient {
    /// When `SET` may write: always, only if the key is absent (`NX`), or only if present (`XX`).
    public enum SetCondition: Sendable {
        case always, ifAbsent, ifPresent
    }

    public func get(_ key: String) async throws -> [UInt8]? {
        switch try await command(["GET", key]) {
        case .bulk(let bytes): return bytes
        default: return nil
        }
    }

    /// `SET key value [NX|XX] [PX ms]`; false when the condition kept it from writing.
    @discardableResult
    public func set(_ key: String, _ value: [UInt8], condition: SetCondition = .always, expiresIn ttl: Duration? = nil) async throws -> Bool {
        var arguments: [[UInt8]] = [Array("SET".utf8), Array(key.utf8), value]
        switch condition {
        case .always: break
        case .ifAbsent: arguments.append(Array("NX".utf8))
        case .ifPresent: arguments.append(Array("XX".utf8))
        }
        if let ttl {
            arguments += [Array("PX".utf8), Array(String(max(1, ttl.milliseconds)).utf8)]
        }
        return try await command(bytes: arguments) != .null
    }

    @discardableResult
    public func delete(_ keys: [String]) async throws -> Int {
        try await command(["DEL"] + keys).integer ?? 0
    }

    public func increment(_ key: String, by amount: Int = 1) async throws -> Int {
        let reply = amount == 1 ? try await command(["INCR", key]) : try await command(["INCRBY", key, String(amount)])
        guard let value = reply.integer else { throw RedisError.server("INCR answered \(reply)") }
        return value
    }

    /// `PEXPIRE`; false when the key does not exist.
    @discardableResult
    public func expire(_ key: String, in ttl: Duration) async throws -> Bool {
        try await command(["PEXPIRE", key, String(max(1, ttl.milliseconds))]).integer == 1
    }

    /// Seconds to live: nil when the key does not exist or has no expiry.
    public func timeToLive(_ key: String) async throws -> Int? {
        guard let seconds = try await command(["TTL", key]).integer, seconds >= 0 else { return nil }
        return seconds
    }

    public func publish(_ channel: String, _ message: [UInt8]) async throws -> Int {
        try await command(bytes: [Array("PUBLISH".utf8), Array(channel.utf8), message]).integer ?? 0
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a short positive duration never becomes zero.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }
}
