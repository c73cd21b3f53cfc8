import Hummingbird

/// A method and route template (`POST /v1/audio`, `GET /v1/jobs/{id}`): how per-route settings
/// such as body limits are declared and looked up once the router has matched a request.
public struct RouteKey: Sendable, Hashable, CustomStringConvertible {
    public let method: HTTPRequest.Method
    public let template: String

    public init(_ method: HTTPRequest.Method, _ template: String) {
        self.method = method
        self.template = RouterPath(template).description
    }

    /// For a template already in the router's form, such as `context.endpointPath`.
    init(_ method: HTTPRequest.Method, normalized template: String) {
        self.method = method
        self.template = template
    }

    public var description: String { "\(method.rawValue) \(template)" }
}
