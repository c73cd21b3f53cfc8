/// Removes e-mail addresses, bearer tokens, API keys and passwords in URLs
/// (`scheme://user:password@host`) from log text before it is written.
///
/// A hand-written scanner rather than regular expressions: it runs on every log line, so it
/// first checks cheaply whether anything could need redacting at all.
public enum LogRedactor {
    public static let emailMask = "[redacted-email]"
    public static let secretMask = "[redacted]"

    /// Metadata keys whose values are secrets whatever they contain.
    static let secretKeys: Set<String> = [
        "authorization", "x-api-key", "api_key", "apikey", "service_api_key", "password",
        "secret", "token", "access_token", "refresh_token", "cookie", "set-cookie",
    ]

    public static func isSecretKey(_ key: String) -> Bool {
        secretKeys.contains(key.lowercased())
    }

    public static func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "@")) || containsCredentialMarker(bytes) else { return text }
        let urlPasswords = urlPasswordRanges(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        // Output before this index of `bytes` has been rewritten, so an address must not reach back past it.
        var verbatimStart = 0
        while index < bytes.count {
            if let password = urlPasswords[index] {
                output.append(contentsOf: secretMask.utf8)
                index = password
                verbatimStart = index
                continue
            }
            if let end = credentialEnd(bytes, at: index) {
                output.append(contentsOf: bytes[index..<end.valueStart])
                output.append(contentsOf: secretMask.utf8)
                index = end.valueEnd
                verbatimStart = index
                continue
            }
            if bytes[index] == UInt8(ascii: "@"), let (start, end) = emailBounds(bytes, at: index, notBefore: verbatimStart) {
                output.removeLast(index - start)
                output.append(contentsOf: emailMask.utf8)
                index = end
                verbatimStart = index
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: e-mail addresses

    private static func isLocalPartByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "._%+-".utf8.contains(byte)
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }

    /// The bounds of an address around the `@` at `at`, if there is one: a local part,
    /// and a domain with a dot and at least two letters after the last dot.
    private static func emailBounds(_ bytes: [UInt8], at: Int, notBefore: Int) -> (Int, Int)? {
        var start = at
        while start > notBefore, isLocalPartByte(bytes[start - 1]) { start -= 1 }
        guard start < at else { return nil }
        var end = at + 1
        while end < bytes.count, isDomainByte(bytes[end]) { end += 1 }
        while end > at + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
        let domain = bytes[(at + 1)..<end]
        guard let lastDot = domain.lastIndex(of: UInt8(ascii: ".")), lastDot > at + 1,
            end - lastDot - 1 >= 2, bytes[(lastDot + 1)..<end].allSatisfy(isLetter)
        else { return nil }
        return (start, end)
    }

    // MARK: passwords in URLs

    /// For each `scheme://user:password@` in the text, where its password starts and ends.
    private static func urlPasswordRanges(_ bytes: [UInt8]) -> [Int: Int] {
        var ranges: [Int: Int] = [:]
        var index = 0
        while index + 3 <= bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"), index + 2 < bytes.count,
                bytes[index + 2] == UInt8(ascii: "/")
            else { continue }
            var end = index + 3
            var colon: Int?
            while end < bytes.count, !" /?#\"\n".utf8.contains(bytes[end]), bytes[end] != UInt8(ascii: "@") {
                if bytes[end] == UInt8(ascii: ":"), colon == nil { colon = end }
                end += 1
            }
            if end < bytes.count, bytes[end] == UInt8(ascii: "@"), let colon, colon + 1 < end {
                ranges[colon + 1] = end
            }
        }
        return ranges
    }

    // MARK: bearer tokens and API keys

    /// Markers after which the following token is a credential, matched case-insensitively.
    private static let credentialMarkers: [[UInt8]] = [
        "bearer ", "api_key=", "api_key:", "apikey=", "apikey:", "api-key=", "api-key:", "x-api-key:", "x-api-key=",
    ].map { Array($0.utf8) }

    private static func containsCredentialMarker(_ bytes: [UInt8]) -> Bool {
        bytes.indices.contains { credentialEnd(bytes, at: $0) != nil }
    }

    /// When a credential marker starts at `at`: where its value starts (after optional spaces) and ends.
    private static func credentialEnd(_ bytes: [UInt8], at: Int) -> (valueStart: Int, valueEnd: Int)? {
        guard isLetter(bytes[at]), at == 0 || !isAlphanumeric(bytes[at - 1]) else { return nil }
        for marker in credentialMarkers where at + marker.count <= bytes.count {
            var matches = true
            for (offset, expected) in marker.enumerated() where lowercased(bytes[at + offset]) != expected {
                matches = false
                break
            }
            guard matches else { continue }
            var valueStart = at + marker.count
            while valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
            var valueEnd = valueStart
            while valueEnd < bytes.count, isTokenByte(bytes[valueEnd]) { valueEnd += 1 }
            guard valueEnd > valueStart else { return nil }
            return (valueStart, valueEnd)
        }
        return nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "-._~+/=".utf8.contains(byte)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
