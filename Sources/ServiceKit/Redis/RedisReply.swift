/// A Redis reply as a Swift value; server errors are thrown as ``RedisError/server(_:)`` instead.
public enum RedisReply: Sendable, Equatable {
    case status(String)
    case integer(Int)
    case bulk([UInt8])
    case array([RedisReply])
    case null

    /// Bulk and status replies as text.
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    public var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var array: [RedisReply]? {
        if case .array(let values) = self { return values }
        return nil
    }
}

/// Why a Redis command did not produce a reply.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection could be made (refused, timed out, or backing off after such failures).
    case unavailable(String)
    /// The connection failed mid-command (reset, or no answer within the command timeout).
    case connectionLost(String)
    /// Redis answered with an error reply.
    case server(String)
    /// Redis is not configured (`REDIS_URL` unset).
    case notConfigured

    public var description: String {
        switch self {
        case .unavailable(let reason): "redis unavailable: \(reason)"
        case .connectionLost(let reason): "redis connection lost: \(reason)"
        case .server(let message): "redis error: \(message)"
        case .notConfigured: "redis is not configured"
        }
    }
}
