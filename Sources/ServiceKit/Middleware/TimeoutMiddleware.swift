import Hummingbird

/// Bounds every request by `REQUEST_TIMEOUT_SECONDS` (or its route's own timeout) and by the caller's
/// `X-Request-Deadline` (see ``RequestDeadline``), whichever ends first: past it the handler
/// is cancelled and the answer is 504. A request whose caller's deadline has already passed is
/// refused with 504 before anything else runs; a malformed header is a 400 naming it. The
/// deadline is task-local for the rest of the chain, so outbound calls carry the time left.
public struct TimeoutMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let defaultTimeout: Duration
    let routeTimeouts: [RouteKey: Duration]
    let metrics: ServiceMetrics

    public init(timeout: Duration, routeTimeouts: [RouteKey: Duration] = [:], metrics: ServiceMetrics) {
        self.defaultTimeout = timeout
        self.routeTimeouts = routeTimeouts
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let timeout =
            routeTimeouts.isEmpty
            ? defaultTimeout : context.endpointPath.flatMap { routeTimeouts[RouteKey(request.method, normalized: $0)] } ?? defaultTimeout
        var deadline = ContinuousClock.now + timeout
        var callerSet = false
        if let header = request.headers[.requestDeadline] {
            // A header is part of how the request is framed, not of the content a route
            // validates (422), so like a malformed Idempotency-Key it is a 400.
            guard let granted = RequestDeadline.parse(header) else {
                return ProblemDetails(
                    type: ProblemType.invalidHeader,
                    status: .badRequest,
                    detail: "\(RequestDeadline.headerName) must be the milliseconds left to answer in, as a whole number.",
                    instance: context.requestID,
                    errors: [FieldError(field: RequestDeadline.headerName, message: "must be an integer number of milliseconds")]
                ).response()
            }
            let callers = context.receivedAt + granted
            guard callers > .now else {
                metrics.recordError(.timeout)
                return ProblemDetails(
                    type: ProblemType.timeout,
                    status: .gatewayTimeout,
                    detail: "The caller's deadline (\(RequestDeadline.headerName): \(header)) had passed on arrival.",
                    instance: context.requestID
                ).response()
            }
            if callers < deadline { (deadline, callerSet) = (callers, true) }
        }
        let limit = deadline - .now
        do {
            return try await RequestDeadline.$current.withValue(deadline) {
                try await withoutActuallyEscaping(next) { next in
                    // The deadline's task calls the rest of the chain while this task only waits
                    // for it, and neither outlives this scope, so handing the non-Sendable closure over is safe.
                    let handler = UncheckedSendable(next)
                    return try await withDeadline(limit, orThrow: { RequestTimedOut() }) { try await handler.value(request, context) }
                }
            }
        } catch is RequestTimedOut {
            metrics.recordError(.timeout)
            context.logger.warning(
                "request timed out",
                metadata: ["timeout_seconds": .stringConvertible(limit.seconds), "caller_deadline": .stringConvertible(callerSet)]
            )
            let detail =
                callerSet
                ? "The request did not complete within the caller's deadline (\(RequestDeadline.headerName))."
                : "The request did not complete within \(timeout.seconds) seconds."
            return ProblemDetails(type: ProblemType.timeout, status: .gatewayTimeout, detail: detail, instance: context.requestID).response()
        }
    }
}

private struct RequestTimedOut: Error {}

/// Carries a value across a task boundary that the compiler cannot prove safe; every use says why it is.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
