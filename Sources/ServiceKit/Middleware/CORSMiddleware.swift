import Hummingbird

/// Cross-origin access for browsers, denied unless the origin is on `CORS_ALLOW_ORIGINS`.
///
/// A preflight from an allowed origin is answered here (204); from any other origin it is
/// refused (403) without CORS headers. Other requests pass through, and only responses to
/// allowed origins carry `Access-Control-Allow-Origin`, so browsers withhold the rest.
public struct CORSMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let allowedOrigins: Set<String>
    let allowsAnyOrigin: Bool
    static let allowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
    static let defaultAllowedHeaders = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, X-API-Key, X-Request-ID"
    static let exposedHeaders = "Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Idempotent-Replayed, X-Request-ID"

    public init(allowedOrigins: [String]) {
        self.allowsAnyOrigin = allowedOrigins.contains("*")
        self.allowedOrigins = Set(allowedOrigins.map { Self.normalize($0) })
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else {
            return try await next(request, context)
        }
        let allowed = allowsAnyOrigin || allowedOrigins.contains(Self.normalize(origin))
        let isPreflight = request.method == .options && request.headers[.accessControlRequestMethod] != nil
        if isPreflight {
            guard allowed else {
                var response = ProblemDetails(
                    type: ProblemType.corsDenied,
                    status: .forbidden,
                    detail: "Origin is not allowed.",
                    instance: context.requestID
                ).response()
                response.headers[.vary] = "Origin"
                return response
            }
            var response = Response(status: .noContent)
            addAllowHeaders(to: &response, origin: origin)
            response.headers[.accessControlAllowMethods] = Self.allowedMethods
            response.headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? Self.defaultAllowedHeaders
            response.headers[.accessControlMaxAge] = "600"
            return response
        }
        var response = try await next(request, context)
        if allowed {
            addAllowHeaders(to: &response, origin: origin)
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        } else {
            response.headers[.vary] = "Origin"
        }
        return response
    }

    private func addAllowHeaders(to response: inout Response, origin: String) {
        response.headers[.accessControlAllowOrigin] = allowsAnyOrigin ? "*" : origin
        response.headers[.vary] = "Origin"
    }

    /// Origins compare case-insensitively and without a trailing slash.
    private static func normalize(_ origin: String) -> String {
        var value = origin.lowercased()
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }
}
