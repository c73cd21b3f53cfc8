import Foundation
import HTTPTypes
import Hummingbird

/// What is stored under an idempotency key: who claimed it (the request's fingerprint) and,
/// once the first request completed, its response exactly as it was sent.
struct IdempotencyRecord: Codable, Sendable, Equatable {
    enum State: String, Codable, Sendable {
        case inFlight = "in_flight"
        case done
    }

    var state: State
    /// SHA-256 of method, route template and body: a repeat must match it.
    var fingerprint: String
    var status: Int?
    var headers: [[String]]?
    /// The response body, base64.
    var body: String?

    static func claim(fingerprint: String) -> IdempotencyRecord {
        IdempotencyRecord(state: .inFlight, fingerprint: fingerprint)
    }

    static func completed(fingerprint: String, status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer) -> IdempotencyRecord {
        IdempotencyRecord(
            state: .done,
            fingerprint: fingerprint,
            status: status.code,
            headers: headers.map { [$0.name.rawName, $0.value] },
            body: Data(body.readableBytesView).base64EncodedString()
        )
    }

    /// The stored response, replayed with `Idempotent-Replayed: true`.
    func replay() -> Response? {
        guard state == .done, let status, let body, let bytes = Data(base64Encoded: body) else { return nil }
        var fields = HTTPFields()
        for pair in headers ?? [] where pair.count == 2 {
            if let name = HTTPField.Name(pair[0]) { fields.append(HTTPField(name: name, value: pair[1])) }
        }
        fields[.idempotentReplayed] = "true"
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    var encoded: [UInt8] {
        (try? Array(JSONEncoder().encode(self))) ?? []
    }

    init?(decoding bytes: [UInt8]) {
        guard let record = try? JSONDecoder().decode(IdempotencyRecord.self, from: Data(bytes)) else { return nil }
        self = record
    }

    private init(state: State, fingerprint: String, status: Int? = nil, headers: [[String]]? = nil, body: String? = nil) {
        self.state = state
        self.fingerprint = fingerprint
        self.status = status
        self.headers = headers
        self.body = body
    }
}
