import Crypto

/// A Lua script run with `EVALSHA`, falling back to `EVAL` (which also caches it on the
/// server) when Redis does not know it yet, after a restart for instance.
public struct RedisScript: Sendable {
    public let source: String
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).hexString
    }
}

extension RedisClient {
    public func run(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisReply {
        let tail = [String(keys.count)] + keys + arguments
        do {
            return try await command(["EVALSHA", script.sha1] + tail)
        } catch RedisError.server(let message) where message.hasPrefix("NOSCRIPT") {
            return try await command(["EVAL", script.source] + tail)
        }
    }
}
