import Hummingbird

/// Where a service declares its endpoints. Each declaration is registered with the router
/// and described in the service's OpenAPI document from the same call, so the two cannot drift.
public final class ServiceRoutes {
    public typealias Handler = @Sendable (Request, ServiceRequestContext) async throws -> Response

    /// What a route needs beyond its handler: documentation and its own body limit.
    struct Declaration {
        let key: RouteKey
        let operation: OpenAPIOperation
        let bodyLimit: Int?
        let handler: Handler
    }

    public let environment: ServiceEnvironment
    private(set) var declarations: [Declaration] = []

    init(environment: ServiceEnvironment) {
        self.environment = environment
    }

    /// Declares an endpoint. `path` uses `{name}` for parameters; `responses` maps each status
    /// the endpoint answers to what it means; `bodyLimit` raises `MAX_REQUEST_BYTES` for this route.
    public func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ path: String,
        summary: String,
        responses: [HTTPResponse.Status: String],
        bodyLimit: Int? = nil,
        handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Output
    ) {
        let key = RouteKey(method, path)
        precondition(!declarations.contains { $0.key == key }, "route \(key) declared twice")
        declarations.append(
            Declaration(
                key: key,
                operation: OpenAPIOperation(key: key, summary: summary, responses: responses),
                bodyLimit: bodyLimit,
                handler: { request, context in
                    try await handler(request, context).response(from: request, context: context)
                }
            )
        )
    }

    public func get<Output: ResponseGenerator>(_ path: String, summary: String, responses: [HTTPResponse.Status: String], handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Output) {
        on(.get, path, summary: summary, responses: responses, handler: handler)
    }

    public func post<Output: ResponseGenerator>(_ path: String, summary: String, responses: [HTTPResponse.Status: String], bodyLimit: Int? = nil, handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Output) {
        on(.post, path, summary: summary, responses: responses, bodyLimit: bodyLimit, handler: handler)
    }

    var bodyLimits: [RouteKey: Int] {
        Dictionary(uniqueKeysWithValues: declarations.compactMap { declaration in declaration.bodyLimit.map { (declaration.key, $0) } })
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
