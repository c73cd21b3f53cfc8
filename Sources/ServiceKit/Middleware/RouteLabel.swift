import Hummingbird

/// The route template a request matched (e.g. `/v1/jobs/{id}`), never the raw path, so logs
/// and metric labels stay bounded.
enum RouteLabel {
    /// Set by the router once it matched; requests answered before routing (preflight, 401,
    /// 413) or matching nothing are labelled by what happened to them.
    static func path(of context: ServiceRequestContext) -> String {
        switch context.endpointPath {
        case .some("NotFound"), .none: "unmatched"
        case .some(let template): template
        }
    }
}
