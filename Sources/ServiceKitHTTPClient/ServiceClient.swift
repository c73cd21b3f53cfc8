import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceKit

/// Calls to another service of the suite (JSON, or an upload's raw bytes, out; JSON back): its base URL, the service API key as a
/// bearer token, and a ``ResiliencePolicy`` of its own around every call (request id and
/// trace context travel along through ``OutboundHTTP``). A call that the policy gives up on
/// throws ``ProviderCallError``; callers decide whether that degrades or fails their work.
public struct ServiceClient: Sendable {
    public let baseURL: String
    let apiKey: String?
    let http: OutboundHTTP
    public let policy: ResiliencePolicy

    public init(baseURL: String, apiKey: String?, http: OutboundHTTP = OutboundHTTP(), policy: ResiliencePolicy) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.http = http
        self.policy = policy
    }

    /// `POST path` with `body` as JSON, decoding the 2xx answer; `idempotencyKey` makes a
    /// repeat (a retry, or a replica resuming the same step) replay the first answer. Keys
    /// are sorted, so the same body is the same bytes in every process (the receiver's
    /// idempotency check compares them).
    public func post<Body: Encodable & Sendable, Answer: Decodable & Sendable>(
        _ path: String,
        _ body: Body,
        idempotencyKey: String? = nil,
        as answer: Answer.Type
    ) async throws -> Answer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = try encoder.encode(body)
        return try await call(.POST, path, body: Array(bytes), contentType: "application/json", idempotencyKey: idempotencyKey, as: answer)
    }

    /// `POST path` with `body` sent as it is under `contentType` (an upload: audio, a
    /// multipart form), decoding the 2xx JSON answer.
    public func post<Answer: Decodable & Sendable>(
        _ path: String,
        bytes body: [UInt8],
        contentType: String,
        idempotencyKey: String? = nil,
        as answer: Answer.Type
    ) async throws -> Answer {
        try await call(.POST, path, body: body, contentType: contentType, idempotencyKey: idempotencyKey, as: answer)
    }

    /// `GET path`, decoding the 2xx answer.
    public func get<Answer: Decodable & Sendable>(_ path: String, as answer: Answer.Type) async throws -> Answer {
        try await call(.GET, path, body: nil, contentType: nil, idempotencyKey: nil, as: answer)
    }

    private func call<Answer: Decodable & Sendable>(
        _ method: HTTPMethod,
        _ path: String,
        body: [UInt8]?,
        contentType: String?,
        idempotencyKey: String?,
        as _: Answer.Type
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let (http, timeout) = (self.http, policy.settings.attemptTimeout)
        let reply = try await policy.execute { [request] _ in
            try await http.send(request, timeout: timeout).requireSuccess()
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(reply.body.readableBytesView))
        } catch {
            throw ProviderCallError.failed(
                ProviderFailure(
                    retryable: false,
                    countsAgainstBreaker: false,
                    status: reply.status,
                    description: "unreadable answer from \(path): \(error)"
                ),
                attempts: 1
            )
        }
    }
}
