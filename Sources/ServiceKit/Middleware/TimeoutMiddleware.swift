import Hummingbird

/// Answers 504 when a request takes longer than `REQUEST_TIMEOUT_SECONDS`, cancelling its handler.
///
/// Handlers run in a child task so the deadline can cancel them; the response waits for the
/// handler to acknowledge cancellation, which ServiceKit's I/O (Postgres, Redis, sleeps) does promptly.
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
        let outcome: Response? = try await withoutActuallyEscaping(next) { next in
            // The child task calls the rest of the chain while this task only waits for it, and the
            // group does not outlive this scope, so handing the non-Sendable closure over is safe.
            let handler = UncheckedSendable(next)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await handler.value(request, context) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        }
        if let outcome { return outcome }
        metrics.recordError(.timeout)
        context.logger.warning("request timed out", metadata: ["timeout_seconds": .stringConvertible(timeout.seconds)])
        return ProblemDetails(type: ProblemType.timeout, status: .gatewayTimeout, detail: "The request did not complete within \(timeout.seconds) seconds.", instance: context.requestID).response()
    }
}

/// Carries a value across a task boundary that the compiler cannot prove safe; every use says why it is.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
