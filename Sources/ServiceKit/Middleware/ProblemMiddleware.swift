import Hummingbird

/// Innermost middleware: turns every error from routing or a handler into an RFC 9457
/// problem response, so the middleware around it only ever sees responses.
///
/// Validation failures are 422 naming their fields; Hummingbird's HTTP errors keep their status
/// and headers (a 503's `Retry-After`);
/// anything else is a 500 whose body reveals nothing internal (the log has the details).
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let metrics: ServiceMetrics

    public init(metrics: ServiceMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ValidationError {
            metrics.recordError(.validation)
            return ProblemDetails(
                type: ProblemType.validation,
                status: .unprocessableContent,
                detail: error.detail,
                instance: context.requestID,
                errors: error.fields
            ).response()
        } catch let error as DecodingError {
            metrics.recordError(.validation)
            let validation = ValidationError(decoding: error)
            return ProblemDetails(
                type: ProblemType.validation,
                status: .unprocessableContent,
                detail: validation.detail,
                instance: context.requestID,
                errors: validation.fields
            ).response()
        } catch let error as BodyTooLargeError {
            return error.problem(instance: context.requestID).response(headers: [.connection: "close"])
        } catch let error as any HTTPResponseError {
            if error.status.code >= 500 { metrics.recordError(.unhandled) }
            return ProblemDetails(status: error.status, detail: Self.clientMessage(error), instance: context.requestID).response(
                headers: (error as? HTTPError)?.headers ?? [:]
            )
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            metrics.recordError(.unhandled)
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return ProblemDetails(
                type: ProblemType.internalError,
                status: .internalServerError,
                detail: "An internal error occurred.",
                instance: context.requestID
            ).response()
        }
    }

    /// The message of an `HTTPError` is written for clients; other error types may carry internals.
    private static func clientMessage(_ error: any HTTPResponseError) -> String? {
        if let httpError = error as? HTTPError { return httpError.body }
        return nil
    }
}
