import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of every service: Hummingbird's core storage plus what ServiceKit's
/// middleware learns about a request (its id, the body limit of its route, the peer address).
/// The same context serves WebSocket upgrade requests, so they pass the same middleware.
public struct ServiceRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``RequestIDMiddleware`` before anything else runs.
    public var requestID: String
    /// The body limit that applies to this request's route; `request.decode` honours it too.
    public var maxUploadSize: Int
    public let remoteAddress: SocketAddress?
    /// Set by ``AuthMiddleware`` once a key was accepted: a stable, non-secret id for it.
    public var principal: String?
    /// Where a WebSocket route leaves its handler when it accepts an upgrade.
    public let webSocket: WebSocketHandlerReference<Self>
    /// When the request arrived, from which a caller's `X-Request-Deadline` counts.
    public let receivedAt: ContinuousClock.Instant

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.maxUploadSize = 1_048_576
        self.remoteAddress = source.channel.remoteAddress
        self.webSocket = .init()
        self.receivedAt = .now
    }

    /// JSON with sorted keys, so identical data always gives identical bytes.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
