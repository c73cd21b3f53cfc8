import HTTPTypes
import Hummingbird
import NIOCore

/// What is stored under an idempotency key: who claimed it (the request's fingerprint) and,
/// once the first request completed, its response exactly as it was sent.
///
/// Stored as a small HTTP-like message, readable with `redis-cli GET` and cheap to write:
/// `v1 done <fingerprint> <status>` (or `v1 in_flight <fingerprint>`), the headers one a
/// line, a blank line, then the body's bytes.
struct IdempotencyRecord: Sendable, Equatable {
    enum State: String, Sendable {
        case inFlight = "in_flight"
        case done
    }

    var state: State
    /// SHA-256 of method, route template and body, hex: a repeat must match it.
    var fingerprint: String
    var status: Int?
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    static func claim(fingerprint: String) -> IdempotencyRecord {
        IdempotencyRecord(state: .inFlight, fingerprint: fingerprint, status: nil, headers: [], body: [])
    }

    static func completed(fingerprint: String, status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer) -> IdempotencyRecord {
        IdempotencyRecord(
            state: .done,
            fingerprint: fingerprint,
            status: status.code,
            headers: headers.map { ($0.name.rawName, $0.value) },
            body: Array(body.readableBytesView)
        )
    }

    /// The stored response, replayed with `Idempotent-Replayed: true`.
    func replay() -> Response? {
        guard state == .done, let status else { return nil }
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        fields[.idempotentReplayed] = "true"
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    var encoded: [UInt8] {
        var head = "v1 \(state.rawValue) \(fingerprint)"
        if let status { head += " \(status)" }
        head += "\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    init?(decoding bytes: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = bytes.firstRange(of: separator) else { return nil }
        let lines = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let first = lines[0].split(separator: " ")
        guard first.count >= 3, first[0] == "v1", let state = State(rawValue: String(first[1])) else { return nil }
        self.state = state
        self.fingerprint = String(first[2])
        self.status = first.count > 3 ? Int(first[3]) : nil
        self.headers = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst()))
        }
        self.body = Array(bytes[headEnd.upperBound...])
    }

    private init(state: State, fingerprint: String, status: Int?, headers: [(name: String, value: String)], body: [UInt8]) {
        self.state = state
        self.fingerprint = fingerprint
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func == (lhs: IdempotencyRecord, rhs: IdempotencyRecord) -> Bool {
        lhs.state == rhs.state && lhs.fingerprint == rhs.fingerprint && lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}
