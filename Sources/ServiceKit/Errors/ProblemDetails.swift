import Foundation
import Hummingbird
import NIOCore

/// An RFC 9457 problem document, the body of every error response.
public struct ProblemDetails: APIModel, Equatable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    /// The request id, so a report can be matched to the logs.
    public var instance: String?
    /// Present on validation problems: each offending field and what is wrong with it.
    public var errors: [FieldError]?

    public init(
        type: String = "about:blank",
        title: String? = nil,
        status: HTTPResponse.Status,
        detail: String? = nil,
        instance: String? = nil,
        errors: [FieldError]? = nil
    ) {
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.instance = instance
        self.errors = errors
    }

    public static let mediaType = "application/problem+json"
    public static var schemaName: String { "Problem" }

    /// The response carrying this problem, with any extra headers (e.g. `Retry-After`).
    public func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data("{\"status\":\(status)}".utf8)
        var headers = extra
        headers[.contentType] = Self.mediaType
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}

/// One invalid field of a request: a JSON path such as `items[2].name`, and why.
public struct FieldError: Codable, Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Problem type URIs used across the suite.
public enum ProblemType {
    public static let validation = "urn:problem-type:validation-error"
    public static let timeout = "urn:problem-type:request-timeout"
    public static let invalidHeader = "urn:problem-type:invalid-header"
    public static let bodyTooLarge = "urn:problem-type:body-too-large"
    public static let unauthorized = "urn:problem-type:unauthorized"
    public static let corsDenied = "urn:problem-type:cors-denied"
    public static let internalError = "urn:problem-type:internal-error"
}
