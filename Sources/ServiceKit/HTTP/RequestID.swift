/// The request id: validated from `X-Request-ID` or generated, and carried task-locally so
/// logs and outbound calls made while handling a request name it.
public enum RequestID {
    public static let headerName = "X-Request-ID"

    @TaskLocal public static var current: String?

    /// An incoming id is kept only when it is 1–128 characters of `[A-Za-z0-9._-]`.
    public static func isAcceptable(_ candidate: String) -> Bool {
        let utf8 = candidate.utf8
        guard (1...128).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// 128 random bits as 32 hex digits.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<2).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64, Array.init) }
        return bytes.hexString
    }
}
