import Hummingbird

/// Counts every response and times it, labelled by route template (never the raw path).
public struct MetricsMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let metrics: ServiceMetrics

    public init(metrics: ServiceMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            method: RouteLabel.method(of: request),
            path: RouteLabel.path(of: context),
            status: response.status,
            duration: ContinuousClock.now - start
        )
        return response
    }
}
