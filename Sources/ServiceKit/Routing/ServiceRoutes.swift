import Hummingbird
import HummingbirdWebSocket
import ServiceLifecycle

/// Where a service declares its endpoints. Each declaration is registered with the router
/// and described in the service's OpenAPI document from the same call, so the two cannot drift.
public final class ServiceRoutes {
    public typealias Handler = @Sendable (Request, ServiceRequestContext) async throws -> Response

    /// What a route needs beyond its handler: documentation, and the middleware settings it
    /// declares for itself.
    struct Declaration {
        let key: RouteKey
        let operation: OpenAPIOperation
        let bodyLimit: Int?
        let timeout: Duration?
        let idempotent: Bool
        let rateLimits: [RateLimit]?
        let handler: Handler
    }

    /// A WebSocket endpoint: the checks an upgrade request must pass, and the session that runs on the connection.
    struct WebSocketDeclaration {
        let path: String
        let admit: Handler
        let session: WebSocketDataHandler<WebSocketRouterContext<ServiceRequestContext>>
    }

    public let environment: ServiceEnvironment
    private(set) var declarations: [Declaration] = []
    private(set) var webSockets: [WebSocketDeclaration] = []
    private(set) var backgroundServices: [any Service] = []

    init(environment: ServiceEnvironment) {
        self.environment = environment
    }

    /// Declares an endpoint. `path` uses `{name}` for parameters, documented as any text unless
    /// `parameters` gives one a schema; `responses` maps each status
    /// the endpoint answers to what it means and carries (``ResponseSpec``); `body` is what it
    /// accepts and `query` the parameters it reads; `bodyLimit` raises `MAX_REQUEST_BYTES` and
    /// `timeout` replaces `REQUEST_TIMEOUT_SECONDS` for this route; `idempotent` makes `Idempotency-Key` replay its responses; `rateLimit` (such
    /// as `"10/minute;100/hour"`) replaces `RATE_LIMIT_DEFAULT` for it.
    public func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ path: String,
        parameters: [String: JSONSchema] = [:],
        summary: String,
        body: RequestBodySpec? = nil,
        query: [any QueryParameterDeclaring] = [],
        responses: [HTTPResponse.Status: ResponseSpec],
        bodyLimit: Int? = nil,
        timeout: Duration? = nil,
        idempotent: Bool = false,
        rateLimit: String? = nil,
        handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Output
    ) {
        let key = RouteKey(method, path)
        precondition(!declarations.contains { $0.key == key }, "route \(key) declared twice")
        let rateLimits: [RateLimit]?
        do {
            rateLimits = try rateLimit.map { text throws(RateLimitSyntaxError) in try RateLimit.list(parsing: text) }
        } catch {
            preconditionFailure("route \(key) declares an invalid rate limit \(error)")
        }
        declarations.append(
            Declaration(
                key: key,
                operation: OpenAPIOperation(
                    key: key,
                    summary: summary,
                    responses: responses,
                    body: body,
                    pathParameters: parameters,
                    query: query,
                    idempotent: idempotent
                ),
                bodyLimit: bodyLimit,
                timeout: timeout,
                idempotent: idempotent,
                rateLimits: rateLimits,
                handler: { request, context in
                    try await handler(request, context).response(from: request, context: context)
                }
            )
        )
    }

    public func get<Output: ResponseGenerator>(
        _ path: String,
        parameters: [String: JSONSchema] = [:],
        summary: String,
        query: [any QueryParameterDeclaring] = [],
        responses: [HTTPResponse.Status: ResponseSpec],
        rateLimit: String? = nil,
        handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Output
    ) {
        on(.get, path, parameters: parameters, summary: summary, query: query, responses: responses, rateLimit: rateLimit, handler: handler)
    }

    public func post<Output: ResponseGenerator>(
        _ path: String,
        summary: String,
        body: RequestBodySpec? = nil,
        query: [any QueryParameterDeclaring] = [],
        responses: [HTTPResponse.Status: ResponseSpec],
        bodyLimit: Int? = nil,
        timeout: Duration? = nil,
        idempotent: Bool = false,
        rateLimit: String? = nil,
        handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Output
    ) {
        on(
            .post,
            path,
            summary: summary,
            body: body,
            query: query,
            responses: responses,
            bodyLimit: bodyLimit,
            timeout: timeout,
            idempotent: idempotent,
            rateLimit: rateLimit,
            handler: handler
        )
    }

    /// Declares a WebSocket endpoint at `GET path`. An upgrade request passes the same middleware
    /// as any request (auth, rate limits), then `admit`, which throws the problem that refuses it
    /// (a bad query parameter, say); an accepted one runs `session` on the connection. A plain
    /// HTTP request to the path gets that same problem, or 426 naming the upgrade it needs.
    public func webSocket(
        _ path: String,
        summary: String,
        query: [any QueryParameterDeclaring] = [],
        responses: [HTTPResponse.Status: ResponseSpec],
        admit: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Void,
        session: @escaping WebSocketDataHandler<WebSocketRouterContext<ServiceRequestContext>>
    ) {
        on(
            .get,
            path,
            summary: summary,
            query: query,
            responses: responses.merging([.upgradeRequired: "Not a WebSocket upgrade request."]) { own, _ in own }
        ) {
            request,
            context -> Response in
            try await admit(request, context)
            throw HTTPError(
                .upgradeRequired,
                headers: [.upgrade: "websocket", .connection: "Upgrade"],
                message: "\(path) speaks WebSocket: connect with an upgrade request."
            )
        }
        webSockets.append(
            WebSocketDeclaration(
                path: path,
                admit: { request, context in
                    try await admit(request, context)
                    return Response(status: .ok)
                },
                session: session
            )
        )
    }

    /// Runs `service` (a job worker, a relay) beside the HTTP server, started and shut down
    /// with it, so that routes and background work can share what the service builds once.
    public func runInBackground(_ service: any Service) {
        backgroundServices.append(service)
    }

    var idempotentRoutes: Set<RouteKey> {
        Set(declarations.filter(\.idempotent).map(\.key))
    }

    /// Limits declared in code, with `overrides` (from configuration) taking precedence.
    func rateLimits(overriddenBy overrides: [RouteKey: [RateLimit]]) -> [RouteKey: [RateLimit]] {
        var limits = Dictionary(uniqueKeysWithValues: declarations.compactMap { declaration in declaration.rateLimits.map { (declaration.key, $0) } })
        limits.merge(overrides) { _, configured in configured }
        return limits
    }

    var bodyLimits: [RouteKey: Int] {
        Dictionary(uniqueKeysWithValues: declarations.compactMap { declaration in declaration.bodyLimit.map { (declaration.key, $0) } })
    }

    var timeouts: [RouteKey: Duration] {
        Dictionary(uniqueKeysWithValues: declarations.compactMap { declaration in declaration.timeout.map { (declaration.key, $0) } })
    }

    /// The WebSocket endpoints on the router that answers upgrade requests.
    func registerWebSockets(on router: Router<ServiceRequestContext>) {
        for declaration in webSockets {
            let admit = declaration.admit
            router.ws(RouterPath(declaration.path)) { request, context in
                do {
                    _ = try await admit(request, context)
                    return .upgrade([:])
                } catch {
                    // Not upgraded: the HTTP route answers the same request with the problem.
                    return .dontUpgrade
                }
            } onUpgrade: { inbound, outbound, context in
                try await declaration.session(inbound, outbound, context)
            }
        }
    }

    func register(on router: Router<ServiceRequestContext>) {
        for declaration in declarations {
            let handler = declaration.handler
            router.on(RouterPath(declaration.key.template), method: declaration.key.method) { request, context in
                try await handler(request, context)
            }
        }
    }
}
