import Logging
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle

/// An async Redis client over blocking hiredis connections.
///
/// Each command runs as one job on the client's own thread pool (never a SwiftNIO event
/// loop): the job takes an idle connection or opens one, sends, and returns the connection
/// unless it broke. So concurrent commands are bounded by the pool size, and so are
/// connections. After a failed connect, new connects wait out an exponential backoff with
/// jitter; until then commands fail fast with ``RedisError/unavailable(_:)`` instead of
/// queueing behind a dead server.
///
/// As a `Service` it makes the first connection in the background (the HTTP server does not
/// wait for it), logs each outage once, and closes its connections on shutdown.
public final class RedisClient: Service, Sendable {
    public let url: RedisURL
    let connectTimeout: Duration
    let commandTimeout: Duration
    let logger: Logger
    private let threadPool: NIOThreadPool
    private let backoff: Backoff
    private let state: NIOLockedValueBox<State>

    private struct State {
        var idle: [RedisConnection] = []
        var failedConnects = 0
        var nextConnectAttempt: ContinuousClock.Instant?
        var lastFailure = ""
        var outageLogged = false
    }

    public init(url: RedisURL, poolSize: Int = 4, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(2), backoff: Backoff = Backoff(), logger: Logger) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.backoff = backoff
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: poolSize)
        self.state = NIOLockedValueBox(State())
        threadPool.start()
    }

    /// Sends a command; each argument is sent binary-safe.
    public func command(_ arguments: [String]) async throws -> RedisReply {
        try await command(bytes: arguments.map { Array($0.utf8) })
    }

    /// Sends a command; `extraWait` stretches the read timeout for commands that block on the
    /// server (`XREADGROUP … BLOCK`), which also hold one of the pool's threads meanwhile.
    public func command(bytes arguments: [[UInt8]], extraWait: Duration = .zero) async throws -> RedisReply {
        try await threadPool.runIfActive { [self] in
            let connection = try checkout()
            do {
                let reply = extraWait == .zero ? try connection.send(arguments) : try connection.send(arguments, extraWait: extraWait, commandTimeout: commandTimeout)
                checkin(connection)
                return reply
            } catch let error as RedisError {
                // An error reply leaves the connection usable; anything else means it is gone.
                if case .server = error { checkin(connection) } else { noteFailure(error.description) }
                throw error
            }
        }
    }

    public func ping() async throws {
        let reply = try await command(["PING"])
        guard reply == .status("PONG") else {
            throw RedisError.server("unexpected PING reply")
        }
    }

    /// Makes the first connection with backoff, then holds until shutdown and closes the pool.
    public func run() async throws {
        var attempt = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await ping()
                break
            } catch {
                try? await Task.sleep(for: backoff.delay(attempt: attempt))
                attempt += 1
            }
        }
        try? await gracefulShutdown()
        state.withLockedValue { $0.idle.removeAll() }
        try await threadPool.shutdownGracefully()
    }

    // MARK: pool (called on pool threads only)

    private func checkout() throws(RedisError) -> RedisConnection {
        enum Next {
            case reuse(RedisConnection)
            case wait(String)
            case connect
        }
        let next = state.withLockedValue { state -> Next in
            if let connection = state.idle.popLast() { return .reuse(connection) }
            if let notBefore = state.nextConnectAttempt, ContinuousClock.now < notBefore {
                return .wait("reconnecting after: \(state.lastFailure)")
            }
            return .connect
        }
        switch next {
        case .reuse(let connection): return connection
        case .wait(let reason): throw .unavailable(reason)
        case .connect: break
        }
        do {
            let connection = try RedisConnection.connect(to: url, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
            let recovered = state.withLockedValue { state in
                defer {
                    state.failedConnects = 0
                    state.nextConnectAttempt = nil
                    state.outageLogged = false
                }
                return state.outageLogged
            }
            if recovered {
                logger.info("redis connection restored", metadata: ["redis_host": "\(url.host):\(url.port)"])
            }
            return connection
        } catch {
            noteFailure(error.description)
            throw error
        }
    }

    private func checkin(_ connection: RedisConnection) {
        guard !connection.isBroken else { return }
        state.withLockedValue { $0.idle.append(connection) }
    }

    /// Records a failed connect or a lost connection: drops idle connections (they likely
    /// share the fault), schedules the next connect, and logs the first failure of an outage.
    private func noteFailure(_ reason: String) {
        let firstOfOutage = state.withLockedValue { state in
            state.idle.removeAll()
            state.nextConnectAttempt = ContinuousClock.now + backoff.delay(attempt: state.failedConnects)
            state.failedConnects += 1
            state.lastFailure = reason
            defer { state.outageLogged = true }
            return !state.outageLogged
        }
        if firstOfOutage {
            logger.warning("redis unavailable", metadata: ["redis_host": "\(url.host):\(url.port)", "reason": "\(reason)"])
        }
    }
}
