import Hummingbird

/// A limit such as `100/minute`: at most `count` requests per `period`, smoothed (GCRA), so a
/// client may burst up to `count` and then proceeds at `count` per `period`.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    public let count: Int
    public let period: Duration
    let unit: String

    public var description: String { "\(count)/\(unit)" }

    static let periods: [String: Duration] = ["second": .seconds(1), "minute": .seconds(60), "hour": .seconds(3600), "day": .seconds(86400)]

    /// The largest `N`: the limiter turns counts into floating-point intervals and back, and
    /// counts near `Int.max` would come back too large for an `Int`. A billion per second is
    /// no limit at all anyway.
    public static let maxCount = 1_000_000_000

    /// Parses `N/second|minute|hour|day`.
    public init(parsing text: some StringProtocol) throws(RateLimitSyntaxError) {
        let parts = text.split(separator: "/", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let count = Int(parts[0]), (1...Self.maxCount).contains(count) else {
            throw RateLimitSyntaxError(text: String(text), reason: "expected N/second, N/minute, N/hour or N/day with 0 < N <= \(Self.maxCount)")
        }
        let unit = parts[1].lowercased().hasSuffix("s") ? String(parts[1].lowercased().dropLast()) : parts[1].lowercased()
        guard let period = Self.periods[unit] else {
            throw RateLimitSyntaxError(text: String(text), reason: "unknown period \(parts[1])")
        }
        self.count = count
        self.period = period
        self.unit = unit
    }

    /// Parses several limits joined by `;`, e.g. `10/second;500/hour`.
    public static func list(parsing text: String) throws(RateLimitSyntaxError) -> [RateLimit] {
        var limits: [RateLimit] = []
        for part in text.split(separator: ";") where !part.allSatisfy(\.isWhitespace) {
            limits.append(try RateLimit(parsing: part))
        }
        guard !limits.isEmpty else { throw RateLimitSyntaxError(text: text, reason: "no limit given") }
        return limits
    }

    /// Parses `RATE_LIMIT_ENDPOINTS`: `METHOD /path=limits` entries separated by `;`, where a
    /// `;` followed by a bare limit adds to the previous entry's limits
    /// (`POST /v1/audio=10/minute;100/hour;GET /v1/jobs/{id}/events=30/minute`).
    public static func endpoints(parsing text: String) throws(RateLimitSyntaxError) -> [RouteKey: [RateLimit]] {
        var result: [RouteKey: [RateLimit]] = [:]
        var current: RouteKey?
        for part in text.split(separator: ";") where !part.allSatisfy(\.isWhitespace) {
            if let equals = part.firstIndex(of: "=") {
                let route = part[..<equals].split(separator: " ", omittingEmptySubsequences: true)
                guard route.count == 2, route[1].hasPrefix("/"), let method = HTTPRequest.Method(String(route[0]).uppercased()) else {
                    throw RateLimitSyntaxError(text: String(part), reason: "expected METHOD /path=limit")
                }
                let key = RouteKey(method, String(route[1]))
                result[key, default: []].append(try RateLimit(parsing: part[part.index(after: equals)...]))
                current = key
            } else if let current {
                result[current, default: []].append(try RateLimit(parsing: part))
            } else {
                throw RateLimitSyntaxError(text: String(part), reason: "a limit must follow METHOD /path=")
            }
        }
        return result
    }
}

/// A limit string that does not parse; says which part and why.
public struct RateLimitSyntaxError: Error, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "\"\(text)\": \(reason)" }
}
