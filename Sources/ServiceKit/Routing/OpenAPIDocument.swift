import Hummingbird
import Foundation

/// The OpenAPI 3.1 description a service serves at `GET /openapi.json`, built from its route declarations.
struct OpenAPIDocument: Encodable {
    struct Info: Encodable {
        let title: String
        let version: String
    }

    struct Components: Encodable {
        let securitySchemes: [String: SecurityScheme]
        let schemas: [String: Schema]
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
        for operation in operations {
            paths[operation.path, default: [:]][operation.method] = operation
        }
        self.paths = paths
        components = Components(
            securitySchemes: [
                "bearer": SecurityScheme(type: "http", scheme: "bearer", name: nil, in: nil),
                "apiKey": SecurityScheme(type: "apiKey", scheme: nil, name: "X-API-Key", in: "header"),
            ],
            schemas: ["Problem": .problem]
        )
    }
}

/// One documented endpoint.
struct OpenAPIOperation: Encodable {
    struct Parameter: Encodable {
        let name: String
        let `in`: String
        let required: Bool
        let schema = Schema.string
    }

    struct ResponseObject: Encodable {
        let description: String
        let content: [String: MediaType]?
    }

    struct MediaType: Encodable {
        let schema: Schema
    }

    let path: String
    let method: String
    let operationId: String
    let summary: String
    let parameters: [Parameter]?
    let responses: [String: ResponseObject]
    /// Open paths (probes, metrics) declare no security; the rest accept either key style.
    let security: [[String: [String]]]

    enum CodingKeys: String, CodingKey {
        case operationId, summary, parameters, responses, security
    }

    init(key: RouteKey, summary: String, responses: [HTTPResponse.Status: String], idempotent: Bool = false) {
        path = key.template
        method = key.method.rawValue.lowercased()
        self.summary = summary
        operationId = method + key.template.split(separator: "/").map { segment in
            let name = segment.trimmingCharacters(in: CharacterSet(charactersIn: "{}:"))
            return (segment.first == "{" ? "By" : "") + name.prefix(1).uppercased() + name.dropFirst()
        }.joined()
        let names = key.template.split(separator: "/").filter { $0.first == "{" }.map { String($0.dropFirst().dropLast()) }
        var parameters = names.map { Parameter(name: $0, in: "path", required: true) }
        var responses = responses
        let isOpen = AuthMiddleware.openPaths.contains(key.template)
        if idempotent {
            parameters.append(Parameter(name: "Idempotency-Key", in: "header", required: false))
            responses[.conflict] = responses[.conflict] ?? "A request with this Idempotency-Key is still in progress."
            responses[.unprocessableContent] = responses[.unprocessableContent] ?? "Invalid request, or an Idempotency-Key reused with a different request."
        }
        if !isOpen {
            responses[.tooManyRequests] = responses[.tooManyRequests] ?? "Rate limit exceeded; see Retry-After."
        }
        self.parameters = parameters.isEmpty ? nil : parameters
        var documented: [String: ResponseObject] = [:]
        for (status, description) in responses {
            let content: [String: MediaType]? = status.code >= 400 ? [ProblemDetails.mediaType: MediaType(schema: .problemReference)] : nil
            documented[String(status.code)] = ResponseObject(description: description, content: content)
        }
        documented["default"] = ResponseObject(description: "An error, as RFC 9457 problem details.", content: [ProblemDetails.mediaType: MediaType(schema: .problemReference)])
        self.responses = documented
        security = isOpen ? [] : [["bearer": []], ["apiKey": []]]
    }
}

/// The small subset of JSON Schema the documents use.
indirect enum Schema: Encodable, Sendable {
    case string
    case reference(String)
    case object(properties: [String: Schema], required: [String])
    case integer
    case array(Schema)

    static let problemReference = Schema.reference("#/components/schemas/Problem")
    static let problem = Schema.object(
        properties: [
            "type": .string, "title": .string, "status": .integer, "detail": .string, "instance": .string,
            "errors": .array(.object(properties: ["field": .string, "message": .string], required: ["field", "message"])),
        ],
        required: ["type", "title", "status"]
    )

    private enum CodingKeys: String, CodingKey {
        case type, properties, required, items
        case ref = "$ref"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .string: try container.encode("string", forKey: .type)
        case .integer: try container.encode("integer", forKey: .type)
        case .reference(let target): try container.encode(target, forKey: .ref)
        case .array(let items):
            try container.encode("array", forKey: .type)
            try container.encode(items, forKey: .items)
        case .object(let properties, let required):
            try container.encode("object", forKey: .type)
            try container.encode(properties, forKey: .properties)
            try container.encode(required, forKey: .required)
        }
    }
}
