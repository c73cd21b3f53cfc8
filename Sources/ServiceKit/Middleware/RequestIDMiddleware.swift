import HTTPTypes
import Hummingbird
import Logging

/// Outermost middleware: accepts a sane incoming `X-Request-ID` or generates one, makes it
/// task-local and part of the request logger, and echoes it on every response. It also
/// makes the request's trace context (from `traceparent`, or a new trace) task-local.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let incoming = request.headers[.requestID]
        let id = incoming.flatMap { RequestID.isAcceptable($0) ? $0 : nil } ?? RequestID.generate()
        var context = context
        context.requestID = id
        context.logger[metadataKey: JSONLogHandler.hummingbirdRequestIDKey] = .string(id)
        var response: Response
        do {
            let trace = request.headers[.traceparent].flatMap(TraceContext.init(traceparent:)) ?? .start()
            response = try await RequestID.$current.withValue(id) {
                try await TraceContext.$current.withValue(trace) {
                    try await next(request, context)
                }
            }
        } catch {
            // Inner middleware turns errors into problem responses; this is the last resort.
            context.logger.error("request failed outside the error middleware", metadata: ["error_type": "\(type(of: error))"])
            response = ProblemDetails(
                type: ProblemType.internalError,
                status: .internalServerError,
                detail: "An internal error occurred.",
                instance: id
            ).response()
        }
        response.headers[.requestID] = id
        return response
    }
}
