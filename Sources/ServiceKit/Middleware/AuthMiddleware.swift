import Crypto
import Hummingbird

/// With `AUTH_ENABLED`, requires `SERVICE_API_KEY` as `Authorization: Bearer …` or `X-API-Key`,
/// compared in constant time; anything else is 401. Probe and scrape paths stay open.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    /// Paths that orchestrators and Prometheus reach without credentials.
    public static let openPaths: Set<String> = ["/health", "/ready", "/metrics"]

    let expectedKey: [UInt8]
    /// Identifies the key in logs and rate-limit buckets without revealing it.
    let principal: String

    public init(apiKey: String) {
        self.expectedKey = Array(apiKey.utf8)
        self.principal = "key:" + SHA256.hash(data: expectedKey).prefix(8).hexString
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        if presentedKeyMatches(request) {
            var context = context
            context.principal = principal
            return try await next(request, context)
        }
        return ProblemDetails(
            type: ProblemType.unauthorized,
            status: .unauthorized,
            detail: "A valid API key is required.",
            instance: context.requestID
        )
        .response(headers: [.wwwAuthenticate: "Bearer"])
    }

    /// Every key presented (`Authorization: Bearer` and `X-API-Key`) must be the right one: a
    /// request that carries a wrong key is refused even if the other header is right.
    private func presentedKeyMatches(_ request: Request) -> Bool {
        var presented: [String] = []
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
            presented.append(parts[1].trimmingCharacters(in: .whitespaces))
        }
        if let key = request.headers[.apiKey] {
            presented.append(key)
        }
        return !presented.isEmpty && presented.allSatisfy { Self.constantTimeEquals(Array($0.utf8), expectedKey) }
    }

    /// Compares without an early exit, so timing does not reveal how much of a guess was right.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0 && lhs.count == rhs.count
    }
}
