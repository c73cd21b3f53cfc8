import Hummingbird

/// Answers 504 when a request takes longer than `REQUEST_TIMEOUT_SECONDS`, cancelling its handler.
public struct TimeoutMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let timeout: Duration
    let metrics: ServiceMetrics

    public init(timeout: Duration, metrics: ServiceMetrics) {
        self.timeout = timeout
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let timeout = self.timeout
        do {
            return try await withoutActuallyEscaping(next) { next in
                // The deadline's task calls the rest of the chain while this task only waits
                // for it, and neither outlives this scope, so handing the non-Sendable closure over is safe.
                let handler = UncheckedSendable(next)
                return try await withDeadline(timeout, orThrow: { RequestTimedOut() }) { try await handler.value(request, context) }
            }
        } catch is RequestTimedOut {
            metrics.recordError(.timeout)
            context.logger.warning("request timed out", metadata: ["timeout_seconds": .stringConvertible(timeout.seconds)])
            return ProblemDetails(type: ProblemType.timeout, status: .gatewayTimeout, detail: "The request did not complete within \(timeout.seconds) seconds.", instance: context.requestID).response()
        }
    }
}

private struct RequestTimedOut: Error {}

/// Carries a value across a task boundary that the compiler cannot prove safe; every use says why it is.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
