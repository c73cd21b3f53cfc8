import Hummingbird

/// A JSON body with a status, encoded with the request context's encoder (sorted keys,
/// ISO 8601 dates) and optional extra headers such as `Location`.
public struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    let value: Value
    let status: HTTPResponse.Status
    let headers: HTTPFields

    public init(_ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) {
        self.value = value
        self.status = status
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(value, from: request, context: context)
        response.status = status
        response.headers.append(contentsOf: headers)
        return response
    }
}
