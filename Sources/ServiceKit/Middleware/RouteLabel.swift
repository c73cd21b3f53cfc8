import Hummingbird

/// The route template a request matched (e.g. `/v1/jobs/{id}`), never the raw path, and its
/// method, so logs and metric labels stay bounded whatever clients send.
enum RouteLabel {
    private static let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    /// The method, or `OTHER` for anything outside the usual set.
    static func method(of request: Request) -> HTTPRequest.Method {
        knownMethods.contains(request.method) ? request.method : HTTPRequest.Method("OTHER")!
    }

    /// Set by the router once it matched; requests answered before routing (preflight, 401,
    /// 413) or matching nothing are labelled by what happened to them.
    static func path(of context: ServiceRequestContext) -> String {
        switch context.endpointPath {
        case .some("NotFound"), .none: "unmatched"
        case .some(let template): template
        }
    }
}
