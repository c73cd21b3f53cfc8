import Hummingbird
import NIOCore

/// Refuses request bodies over the limit with 413: by `Content-Length` before anything reads
/// the body, and for bodies without one (chunked) as soon as the bytes read pass the limit.
///
/// The limit is `MAX_REQUEST_BYTES` unless the route declared its own (see ``ServiceRoutes``).
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let defaultLimit: Int
    let routeLimits: [RouteKey: Int]

    public init(defaultLimit: Int, routeLimits: [RouteKey: Int] = [:]) {
        self.defaultLimit = defaultLimit
        self.routeLimits = routeLimits
    }

    /// Runs after the router matched, so the route's template is known without reading the body.
    func limit(for request: Request, context: Context) -> Int {
        guard let template = context.endpointPath else { return defaultLimit }
        return routeLimits[RouteKey(request.method, normalized: template)] ?? defaultLimit
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = limit(for: request, context: context)
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            return BodyTooLargeError(limit: limit).problem(instance: context.requestID).response(headers: [.connection: "close"])
        }
        var request = request
        var context = context
        context.maxUploadSize = limit
        if request.headers[.contentLength] == nil {
            request.body = RequestBody(asyncSequence: LimitedBody(base: request.body, limit: limit))
        }
        return try await next(request, context)
    }
}

/// A body that passed its route's limit while being read.
public struct BodyTooLargeError: Error, Sendable {
    public let limit: Int

    func problem(instance: String) -> ProblemDetails {
        ProblemDetails(
            type: ProblemType.bodyTooLarge,
            status: .contentTooLarge,
            detail: "The request body exceeds the limit of \(limit) bytes.",
            instance: instance
        )
    }
}

/// Passes a body through, throwing ``BodyTooLargeError`` once more than `limit` bytes arrived.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        var seen = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            seen += buffer.readableBytes
            if seen > limit { throw BodyTooLargeError(limit: limit) }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), limit: limit)
    }
}
