import Foundation

/// Reads an HTTP `Retry-After` value (RFC 9110 §10.2.3): a non-negative whole number of
/// seconds or an HTTP date. Anything else (`inf`, `1e300`, `-1`, `0.5`) is no instruction at
/// all, and a wait longer than `cap` is cut to `cap`, so a provider's header can never make a
/// duration overflow; the resilience policy then refuses waits past its remaining budget.
public enum RetryAfter {
    public static let cap: Duration = .seconds(86_400)

    public static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            // All digits: too many of them to fit an Int64 still means "longer than the cap".
            return min(Int64(text).map { Duration.seconds($0) } ?? cap, cap)
        }
        guard let date = httpDate(text) else { return nil }
        let seconds = max(0, min(date.timeIntervalSince(now), cap.seconds))
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// The IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`), the one senders must use.
    public static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
