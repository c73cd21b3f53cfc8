/// W3C Trace Context: the trace a request belongs to, taken from an incoming `traceparent`
/// (or started here), carried task-locally so outbound calls continue it.
public struct TraceContext: Sendable, Equatable {
    public let traceID: String
    public let spanID: String
    public let sampled: Bool

    @TaskLocal public static var current: TraceContext?

    /// Parses `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`; nil for anything else.
    public init?(traceparent: String) {
        let parts = traceparent.split(separator: "-")
        guard parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }),
            parts[1] != Substring(String(repeating: "0", count: 32)), parts[2] != Substring(String(repeating: "0", count: 16)),
            let flags = UInt8(parts[3], radix: 16)
        else { return nil }
        self.init(traceID: parts[1].lowercased(), spanID: parts[2].lowercased(), sampled: flags & 1 == 1)
    }

    init(traceID: String, spanID: String, sampled: Bool) {
        self.traceID = traceID
        self.spanID = spanID
        self.sampled = sampled
    }

    /// A new trace, for requests that arrive without one.
    public static func start() -> TraceContext {
        TraceContext(traceID: randomHex(bytes: 16), spanID: randomHex(bytes: 8), sampled: true)
    }

    /// The context for a call made from this one: same trace, a new span.
    public func child() -> TraceContext {
        TraceContext(traceID: traceID, spanID: Self.randomHex(bytes: 8), sampled: sampled)
    }

    public var traceparent: String { "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")" }

    private static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }
}
