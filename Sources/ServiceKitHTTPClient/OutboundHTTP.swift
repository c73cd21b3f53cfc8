import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceKit

/// Outbound HTTP for calls to other services and providers, through async-http-client.
/// Every request carries the current request id (`X-Request-ID`) and continues the current
/// trace in a W3C `traceparent` (a new span of it; a new trace outside any request). Inside a
/// request it also carries the time left of the request's deadline (`X-Request-Deadline`, see
/// ``RequestDeadline``) and waits no longer than that; past the deadline nothing is sent.
public struct OutboundHTTP: Sendable {
    /// A response read in full (provider answers are small; `bodyLimit` keeps them so).
    public struct Reply: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: ByteBuffer

        public var text: String { String(buffer: body) }

        /// `Retry-After`, when present and well-formed (see ``RetryAfter``).
        public var retryAfter: Duration? {
            headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0) }
        }

        /// The start of the body, safe to store and show: at most `limit` characters, control
        /// characters as spaces, e-mail addresses and credentials redacted.
        public func excerpt(limit: Int = 500) -> String {
            let cleaned = String(String(decoding: body.readableBytesView.prefix(limit * 4), as: UTF8.self).prefix(limit))
                .map { $0.unicodeScalars.allSatisfy { CharacterSet.controlCharacters.contains($0) } ? " " : String($0) }.joined()
            return LogRedactor.redact(cleaned)
        }

        /// This reply as an attempt's outcome: throws ``ProviderFailure`` unless it is a 2xx.
        @discardableResult
        public func requireSuccess() throws -> Reply {
            if let failure = ProviderFailure.http(status: status, retryAfter: retryAfter, body: excerpt(), detail: problem?.detail) { throw failure }
            return self
        }

        /// The body as an RFC 9457 problem, when it is one (as every service of the suite answers errors).
        public var problem: ProblemDetails? {
            guard headers.first(name: "Content-Type")?.hasPrefix(ProblemDetails.mediaType) == true else { return nil }
            return try? JSONDecoder().decode(ProblemDetails.self, from: Data(body.readableBytesView))
        }
    }

    /// The client when none is given: async-http-client's shared configuration, except that a
    /// connection is given up after 2 s. The client keeps retrying a refused connection until
    /// its connect timeout (90 s there; swift-server/async-http-client#743), so a stopped
    /// dependency would cost each attempt its whole timeout instead of failing it at once.
    public static let defaultClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = .seconds(2)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    let client: HTTPClient
    let bodyLimit: Int

    public init(client: HTTPClient = defaultClient, bodyLimit: Int = 1 << 20) {
        self.client = client
        self.bodyLimit = bodyLimit
    }

    public func send(_ request: HTTPClientRequest, timeout: Duration) async throws -> Reply {
        let response = try await execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: bodyLimit)
        return Reply(status: Int(response.status.code), headers: response.headers, body: body)
    }

    /// Sends `request` and returns as soon as a 2xx response's head arrives, its body still
    /// streaming (bounded as a whole by `timeout`); any other status is read (up to
    /// `bodyLimit`) and thrown as ``ProviderFailure``, like ``Reply/requireSuccess()``.
    public func stream(_ request: HTTPClientRequest, timeout: Duration) async throws -> HTTPClientResponse {
        let response = try await execute(request, timeout: timeout)
        if !(200..<300).contains(response.status.code) {
            let body = try await response.body.collect(upTo: bodyLimit)
            try Reply(status: Int(response.status.code), headers: response.headers, body: body).requireSuccess()
        }
        return response
    }

    private func execute(_ request: HTTPClientRequest, timeout: Duration) async throws -> HTTPClientResponse {
        var request = request
        if let id = RequestID.current { request.headers.replaceOrAdd(name: RequestID.headerName, value: id) }
        request.headers.replaceOrAdd(name: "traceparent", value: (TraceContext.current?.child() ?? .start()).traceparent)
        var timeout = timeout
        if let remaining = RequestDeadline.remaining {
            guard remaining > .zero else {
                throw ProviderFailure(retryable: false, countsAgainstBreaker: false, description: "the request's deadline passed before the call")
            }
            request.headers.replaceOrAdd(name: RequestDeadline.headerName, value: RequestDeadline.headerValue(remaining))
            timeout = min(timeout, remaining)
        }
        // Capped so that no configured or computed duration can overflow the conversion.
        let milliseconds = (min(timeout.seconds, RetryAfter.cap.seconds) * 1000).rounded(.up)
        return try await client.execute(request, timeout: .milliseconds(Int64(max(0, milliseconds))))
    }
}
