import Crypto
import Hummingbird
import Logging
import NIOCore

/// Makes the POST routes that opt in safe to retry: the first request with an
/// `Idempotency-Key` runs, and its response is stored and replayed byte for byte (with
/// `Idempotent-Replayed: true`) to repeats. A repeat while the first still runs gets 409;
/// the same key with another body or route gets 422; a 5xx is not stored, so the key frees.
/// A Server-Sent Events response streams as it is written, never buffered: what is stored
/// for it is a 303 to its `Content-Location` (where the stream can be read again), or
/// nothing (the key frees) when it names none.
public struct IdempotencyMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let routes: Set<RouteKey>
    let store: IdempotencyStore
    let ttl: Duration
    let claimTTL: Duration
    let metrics: ServiceMetrics

    /// - Parameters:
    ///   - ttl: how long a completed response is replayed (`IDEMPOTENCY_TTL_SECONDS`).
    ///   - claimTTL: how long an unfinished claim blocks the key if its process dies mid-request.
    init(routes: Set<RouteKey>, store: IdempotencyStore, ttl: Duration, claimTTL: Duration, metrics: ServiceMetrics) {
        self.routes = routes
        self.store = store
        self.ttl = ttl
        self.claimTTL = claimTTL
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let template = context.endpointPath, routes.contains(RouteKey(request.method, normalized: template)),
            let key = request.headers[.idempotencyKey]
        else {
            return try await next(request, context)
        }
        guard Self.isAcceptable(key) else {
            return ProblemDetails(
                status: .badRequest,
                detail: "Idempotency-Key must be 1 to 255 printable ASCII characters.",
                instance: context.requestID
            ).response()
        }

        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let fingerprint = Self.fingerprint(method: request.method, template: template, body: body)

        switch try await store.claim(key, fingerprint: fingerprint, ttl: claimTTL) {
        case .existing(let record) where record.fingerprint != fingerprint:
            metrics.recordIdempotency(.mismatch)
            return ProblemDetails(
                type: ProblemType.validation,
                status: .unprocessableContent,
                detail: "This Idempotency-Key was used with a different request.",
                instance: context.requestID,
                errors: [FieldError(field: "Idempotency-Key", message: "was used with a different request body or route")]
            ).response()
        case .existing(let record):
            guard let replay = record.replay() else {
                metrics.recordIdempotency(.conflict)
                return ProblemDetails(
                    status: .conflict,
                    detail: "A request with this Idempotency-Key is still in progress.",
                    instance: context.requestID
                ).response(headers: [.retryAfter: "1"])
            }
            metrics.recordIdempotency(.replayed)
            return replay
        case .claimed:
            metrics.recordIdempotency(.new)
        }

        do {
            var response = try await next(request, context)
            guard response.status.code < 500 else {
                try await store.release(key)
                return response
            }
            if response.headers[.contentType] == "text/event-stream" {
                guard let location = response.headers[.contentLocation] else {
                    try await store.release(key)
                    return response
                }
                try await store.complete(
                    key,
                    with: .completed(fingerprint: fingerprint, status: .seeOther, headers: [.location: location], body: ByteBuffer()),
                    ttl: ttl
                )
                return response
            }
            let bytes = try await response.body.collect()
            response.body = .init(byteBuffer: bytes)
            try await store.complete(
                key,
                with: .completed(fingerprint: fingerprint, status: response.status, headers: response.headers, body: bytes),
                ttl: ttl
            )
            return response
        } catch {
            // Cut short (timeout, cancellation): free the key so the client can retry.
            try? await store.release(key)
            throw error
        }
    }

    static func isAcceptable(_ key: String) -> Bool {
        (1...255).contains(key.utf8.count) && key.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }

    static func fingerprint(method: HTTPRequest.Method, template: String, body: ByteBuffer) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("\(method.rawValue) \(template)\n".utf8))
        hasher.update(data: Array(body.readableBytesView))
        return hasher.finalize().hexString
    }
}
