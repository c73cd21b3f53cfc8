import AsyncHTTPClient
import NIOCore

/// Sends a request to a target ``OutboundTargetGuard`` allowed: connected to the address that
/// was checked (for a host name through async-http-client's `dnsOverride`, which keeps the
/// `Host` header, SNI and certificate verification on the name), never following redirects.
public struct PinnedHTTP: Sendable {
    /// For literal-address targets, which no DNS answer can change.
    private static let literalClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    let bodyLimit: Int

    public init(bodyLimit: Int = 1 << 20) {
        self.bodyLimit = bodyLimit
    }

    public func send(_ request: HTTPClientRequest, to target: OutboundTargetGuard.Target, timeout: Duration) async throws -> OutboundHTTP.Reply {
        if IPAddress(target.host) != nil {
            return try await OutboundHTTP(client: Self.literalClient, bodyLimit: bodyLimit).send(request, timeout: timeout)
        }
        // dnsOverride is a client setting, so a host name gets a client of its own for this call.
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.dnsOverride = [target.host: target.address.description]
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            let reply = try await OutboundHTTP(client: client, bodyLimit: bodyLimit).send(request, timeout: timeout)
            try await client.shutdown()
            return reply
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
