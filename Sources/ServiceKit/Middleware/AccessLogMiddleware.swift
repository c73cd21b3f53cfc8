import Hummingbird
import Logging

/// Writes one log line per request: method, route template, status, duration and request id.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)",
                "path": "\(RouteLabel.path(of: context))",
                "status": .stringConvertible(response.status.code),
                "duration_ms": .stringConvertible((elapsed.seconds * 1_000_000).rounded() / 1000),
            ]
        )
        return response
    }
}
