import Hummingbird

/// Answers 405 with `Allow` when a request names a path the service declares but a method it
/// does not: the router alone would say 404, as if the path did not exist.
struct UndeclaredMethodMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext

    /// A declared path, split into segments (`{name}` matches any one), and its methods.
    struct DeclaredPath: Sendable {
        let segments: [Substring]
        let allow: String

        func matches(_ path: [Substring]) -> Bool {
            path.count == segments.count && zip(segments, path).allSatisfy { template, segment in template.first == "{" || template == segment }
        }
    }

    let paths: [DeclaredPath]

    init(routes: [RouteKey]) {
        paths = Dictionary(grouping: routes, by: \.template).map { template, keys in
            DeclaredPath(segments: template.split(separator: "/"), allow: keys.map(\.method.rawValue).sorted().joined(separator: ", "))
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            let segments = request.uri.path.split(separator: "/")
            guard let declared = paths.first(where: { $0.matches(segments) }) else { throw error }
            throw HTTPError(
                .methodNotAllowed,
                headers: [.allow: declared.allow],
                message: "\(request.method.rawValue) is not served here; try \(declared.allow)."
            )
        }
    }
}
