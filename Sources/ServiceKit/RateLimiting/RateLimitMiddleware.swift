import Hummingbird

/// Limits requests per client and route: the route's own limits (declared in code or set by
/// `RATE_LIMIT_ENDPOINTS`) or `RATE_LIMIT_DEFAULT`. Over the limit is 429 with `Retry-After`;
/// every limited response carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.
/// Probe and scrape paths are exempt.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let limiter: RateLimiter
    let identity: ClientIdentity
    let defaultLimits: [RateLimit]
    let routeLimits: [RouteKey: [RateLimit]]
    let metrics: ServiceMetrics

    init(limiter: RateLimiter, identity: ClientIdentity, defaultLimits: [RateLimit], routeLimits: [RouteKey: [RateLimit]], metrics: ServiceMetrics) {
        self.limiter = limiter
        self.identity = identity
        self.defaultLimits = defaultLimits
        self.routeLimits = routeLimits
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !AuthMiddleware.openPaths.contains(request.uri.path) else {
            return try await next(request, context)
        }
        let route = RouteKey(request.method, normalized: context.endpointPath ?? "unmatched")
        let decision = try await limiter.check(
            client: identity.key(for: request, context: context),
            route: route,
            limits: routeLimits[route] ?? defaultLimits
        )
        let headers: HTTPFields = [
            .rateLimitLimit: String(decision.limit),
            .rateLimitRemaining: String(decision.remaining),
            .rateLimitReset: String(decision.resetSeconds),
        ]
        guard decision.allowed else {
            metrics.recordRateLimited()
            var refusal = headers
            refusal[.retryAfter] = String(decision.retryAfterSeconds)
            return ProblemDetails(
                status: .tooManyRequests,
                detail: "Rate limit of \(decision.limit) exceeded; retry in \(decision.retryAfterSeconds) s.",
                instance: context.requestID
            ).response(headers: refusal)
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: headers)
        return response
    }
}
