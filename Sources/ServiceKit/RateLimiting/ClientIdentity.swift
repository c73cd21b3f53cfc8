import Foundation
import Hummingbird
import NIOCore

/// Who a request counts against for rate limiting: the API key it authenticated with, else
/// the client address. `X-Forwarded-For` is believed only from a peer in `TRUSTED_PROXIES`,
/// and then read from the right, skipping further trusted proxies.
struct ClientIdentity: Sendable {
    let trustedProxies: Set<String>

    func key(for request: Request, context: ServiceRequestContext) -> String {
        if let principal = context.principal { return principal }
        return "ip:" + address(for: request, context: context)
    }

    func address(for request: Request, context: ServiceRequestContext) -> String {
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        guard trustedProxies.contains(peer), let forwarded = request.headers[.xForwardedFor] else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) } ?? hops.first ?? peer
    }
}
