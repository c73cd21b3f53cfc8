/// The deadline of the request being handled, carried task-locally (like ``RequestID`` and
/// ``TraceContext``) so that outbound calls made while handling it send the time left on.
///
/// On the wire it is `X-Request-Deadline: <milliseconds>`: the time the caller still gives
/// the request, counted from its receipt. A relative time needs no agreement between the
/// clocks of caller and callee (an absolute time would be off by their skew); the time the
/// request spends on the network is not counted, which only errs on the caller's side.
public enum RequestDeadline {
    public static let headerName = "X-Request-Deadline"

    /// When the request being handled must be answered by; set by ``TimeoutMiddleware``.
    @TaskLocal public static var current: ContinuousClock.Instant?

    /// The milliseconds of a header value: an optional `-` and 1–12 ASCII digits (0 or less
    /// means the caller has given up already); nil for anything else.
    public static func parse(_ value: String) -> Duration? {
        let digits = value.utf8.first == UInt8(ascii: "-") ? value.utf8.dropFirst() : value.utf8[...]
        guard (1...12).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let milliseconds = Int64(value)
        else {
            return nil
        }
        return .milliseconds(milliseconds)
    }

    /// The time left of the current request's deadline; nil outside a request.
    public static var remaining: Duration? {
        current.map { $0 - .now }
    }

    /// The header value for `remaining`: whole milliseconds, rounded down so that the callee
    /// is never given more time than is left, and never below 0.
    public static func headerValue(_ remaining: Duration) -> String {
        let milliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        return String(max(0, milliseconds))
    }
}
