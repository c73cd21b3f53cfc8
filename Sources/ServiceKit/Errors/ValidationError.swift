import Foundation
import Hummingbird

/// A client request that parsed but is not acceptable; answered 422 naming the fields.
public struct ValidationError: Error, Sendable {
    public var fields: [FieldError]
    public var detail: String

    public init(fields: [FieldError], detail: String = "The request is not valid.") {
        self.fields = fields
        self.detail = detail
    }

    public init(field: String, message: String) {
        self.init(fields: [FieldError(field: field, message: message)], detail: "\(field): \(message)")
    }

    /// Translates a JSON decoding failure into the field it concerns.
    public init(decoding error: DecodingError) {
        func path(_ codingPath: [any CodingKey], appending key: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (key.map { [$0] } ?? [])
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return text.isEmpty ? "body" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath, appending: key), message: "is required")
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath), message: "expected \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            self.init(field: path(context.codingPath), message: "expected \(Self.describe(type)), found null")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            self.init(field: field, message: field == "body" ? "is not valid JSON" : "has an invalid value")
        @unknown default:
            self.init(field: "body", message: "could not be decoded")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is any BinaryInteger.Type: "an integer"
        case is any BinaryFloatingPoint.Type: "a number"
        case is any Collection.Type: "an array or object"
        default: "a value of type \(type)"
        }
    }
}

extension Request {
    /// Decodes a JSON body within the route's body limit; malformed or mistyped input
    /// becomes a ``ValidationError`` naming the field rather than a 400 or 500.
    public func decodeJSON<Value: Decodable>(as type: Value.Type, context: ServiceRequestContext) async throws -> Value {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return try decodeJSON(as: type, bodyBytes: Array(buffer.readableBytesView))
    }

    /// Decodes a body already read, with the same field-naming errors.
    public func decodeJSON<Value: Decodable>(as type: Value.Type, bodyBytes: [UInt8]) throws -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(bodyBytes))
        } catch let error as DecodingError {
            throw ValidationError(decoding: error)
        }
    }
}
