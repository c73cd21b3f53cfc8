import NIOCore
import NIOHTTP1
import NIOPosix

/// Drives a server on loopback as fast as it answers: keep-alive connections that each send
/// `GET path` again as soon as the previous answer ended, until `requests` were answered in all.
/// Far cheaper per request than a general HTTP client, so the server is what gets measured.
public enum LoopbackLoad {
    /// What a run got back.
    public struct Outcome: Sendable {
        public let answered: Int
        /// Answers whose status was not 2xx.
        public let failures: Int
    }

    public static func get(port: Int, path: String, requests: Int, connections: Int = 16) async throws -> Outcome {
        let shares = (0..<connections).map { requests / connections + ($0 < requests % connections ? 1 : 0) }.filter { $0 > 0 }
        return try await withThrowingTaskGroup(of: Outcome.self) { group in
            for share in shares {
                group.addTask { try await run(port: port, path: path, requests: share) }
            }
            var answered = 0
            var failures = 0
            for try await outcome in group {
                answered += outcome.answered
                failures += outcome.failures
            }
            return Outcome(answered: answered, failures: failures)
        }
    }

    private static func run(port: Int, path: String, requests: Int) async throws -> Outcome {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let done = loop.makePromise(of: Outcome.self)
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(RequestLoop(path: path, requests: requests, done: done))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        defer { channel.close(promise: nil) }
        return try await done.futureResult.get()
    }
}

/// One connection's requests, each sent when the answer before it has ended.
private final class RequestLoop: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let head: HTTPRequestHead
    private var remaining: Int
    private var answered = 0
    private var failures = 0
    private let done: EventLoopPromise<Outcome>
    private var finished = false

    typealias Outcome = LoopbackLoad.Outcome

    init(path: String, requests: Int, done: EventLoopPromise<Outcome>) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1")
        self.head = head
        self.remaining = requests
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response):
            if !(200..<300).contains(response.status.code) { failures += 1 }
        case .body:
            break
        case .end:
            answered += 1
            remaining -= 1
            if remaining > 0 {
                send(context)
            } else {
                finish(.success(Outcome(answered: answered, failures: failures)))
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.ioOnClosedChannel))
        context.fireChannelInactive()
    }

    private func send(_ context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func finish(_ result: Result<Outcome, any Error>) {
        guard !finished else { return }
        finished = true
        done.completeWith(result)
    }
}
