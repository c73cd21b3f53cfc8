import Foundation
import Hummingbird

/// The OpenAPI 3.1 description a service serves at `GET /openapi.json`, built from its route
/// declarations and the schemas of the types they name.
struct OpenAPIDocument: Encodable {
    struct Info: Encodable {
        let title: String
        let version: String
    }

    struct Components: Encodable {
        let securitySchemes: [String: SecurityScheme]
        let schemas: [String: JSONSchema]
    }

    struct SecurityScheme: Encodable {
        let type: String
        let scheme: String?
        let name: String?
        let `in`: String?
    }

    let openapi = "3.1.0"
    let info: Info
    let paths: [String: [String: OpenAPIOperation]]
    let components: Components

    init(service: String, version: String, operations: [OpenAPIOperation]) {
        info = Info(title: service, version: version)
        var paths: [String: [String: OpenAPIOperation]] = [:]
        var schemas = SchemaCatalog.entry(of: ProblemDetails.self).definitions
        for operation in operations {
            paths[operation.path, default: [:]][operation.method] = operation
            schemas.merge(operation.definitions) { existing, other in
                precondition(existing == other, "two different schemas share a name in \(service)'s document")
                return existing
            }
        }
        self.paths = paths
        components = Components(
            securitySchemes: [
                "bearer": SecurityScheme(type: "http", scheme: "bearer", name: nil, in: nil),
                "apiKey": SecurityScheme(type: "apiKey", scheme: nil, name: "X-API-Key", in: "header"),
            ],
            schemas: schemas
        )
    }
}

/// One documented endpoint.
struct OpenAPIOperation: Encodable {
    struct Parameter: Encodable {
        let name: String
        let `in`: String
        let required: Bool
        let schema: JSONSchema
    }

    struct RequestBodyObject: Encodable {
        let required: Bool
        let content: [String: MediaType]
    }

    struct ResponseObject: Encodable {
        let description: String
        let content: [String: MediaType]?
        let headers: [String: Header]?
    }

    struct Header: Encodable {
        let description: String
        let schema: JSONSchema
    }

    struct MediaType: Encodable {
        let schema: JSONSchema
    }

    let path: String
    let method: String
    let operationId: String
    let summary: String
    let parameters: [Parameter]?
    let requestBody: RequestBodyObject?
    let responses: [String: ResponseObject]
    /// Open paths (probes, metrics) declare no security; the rest accept either key style.
    let security: [[String: [String]]]
    /// The named schemas this operation refers to, for `components/schemas`.
    let definitions: [String: JSONSchema]

    enum CodingKeys: String, CodingKey {
        case operationId, summary, parameters, requestBody, responses, security
    }

    /// What `Idempotency-Key` may be: what ``IdempotencyMiddleware`` accepts.
    static let idempotencyKey: JSONSchema = {
        var schema = JSONSchema.string
        schema.minLength = 1
        schema.maxLength = 255
        schema.pattern = "^[ -~]{1,255}$"
        return schema
    }()

    init(
        key: RouteKey,
        summary: String,
        responses declared: [HTTPResponse.Status: ResponseSpec],
        body: RequestBodySpec? = nil,
        pathParameters: [String: JSONSchema] = [:],
        query: [any QueryParameterDeclaring] = [],
        idempotent: Bool = false
    ) {
        path = key.template
        method = key.method.rawValue.lowercased()
        self.summary = summary
        operationId =
            method
            + key.template.split(separator: "/").map { segment in
                let name = segment.trimmingCharacters(in: CharacterSet(charactersIn: "{}:"))
                return (segment.first == "{" ? "By" : "") + name.prefix(1).uppercased() + name.dropFirst()
            }.joined()
        let names = key.template.split(separator: "/").filter { $0.first == "{" }.map { String($0.dropFirst().dropLast()) }
        precondition(Set(pathParameters.keys).isSubset(of: names), "\(key) has no path parameter among \(pathParameters.keys)")
        var parameters = names.map { Parameter(name: $0, in: "path", required: true, schema: pathParameters[$0] ?? .string) }
        parameters += query.map { Parameter(name: $0.name, in: "query", required: false, schema: $0.schema) }
        var responses = declared
        func add(_ status: HTTPResponse.Status, _ description: ResponseSpec) {
            responses[status] = responses[status] ?? description
        }
        let isOpen = AuthMiddleware.openPaths.contains(key.template)
        if idempotent {
            parameters.append(Parameter(name: "Idempotency-Key", in: "header", required: false, schema: Self.idempotencyKey))
            add(.badRequest, "A malformed Idempotency-Key.")
            add(.conflict, "A request with this Idempotency-Key is still in progress.")
            add(.unprocessableContent, "Invalid request, or an Idempotency-Key reused with a different request.")
        }
        if body != nil {
            add(.contentTooLarge, "Over the route's body limit.")
            add(.unprocessableContent, "Invalid fields.")
        }
        if !query.isEmpty {
            add(.unprocessableContent, "Invalid query.")
        }
        if !isOpen {
            add(.unauthorized, "No valid API key, when the service requires one.")
            add(.tooManyRequests, "Rate limit exceeded; see Retry-After.")
        }
        self.parameters = parameters.isEmpty ? nil : parameters
        var definitions: [String: JSONSchema] = [:]
        func collect(_ contents: [MessageContent]) -> [String: MediaType] {
            var media: [String: MediaType] = [:]
            for content in contents {
                media[content.mediaType] = MediaType(schema: content.schema)
                definitions.merge(content.definitions) { existing, _ in existing }
            }
            return media
        }
        requestBody = body.map { RequestBodyObject(required: $0.required, content: collect($0.contents)) }
        let problem = [ProblemDetails.mediaType: MediaType(schema: .reference(ProblemDetails.schemaName))]
        var documented: [String: ResponseObject] = [:]
        for (status, response) in responses {
            let content = status.code >= 400 ? problem : (response.contents.isEmpty ? nil : collect(response.contents))
            let headers = response.headers.isEmpty ? nil : response.headers.mapValues { Header(description: $0, schema: .string) }
            documented[String(status.code)] = ResponseObject(description: response.description, content: content, headers: headers)
        }
        documented["default"] = ResponseObject(description: "An error, as RFC 9457 problem details.", content: problem, headers: nil)
        self.responses = documented
        self.definitions = definitions
        security = isOpen ? [] : [["bearer": []], ["apiKey": []]]
    }
}
