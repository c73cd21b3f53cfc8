import Atomics
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle

/// An async Redis client over blocking hiredis connections, none of them ever used from a
/// SwiftNIO event loop.
///
/// Ordinary commands go to a few ``RedisPipeline``s (a connection and a thread each) that
/// write whatever is waiting in one round trip. Commands that wait on the server
/// (`XREADGROUP … BLOCK`) instead take a connection of their own on the client's thread
/// pool, so they never hold up a pipeline. After a failed connect, new connects wait out an
/// exponential backoff with jitter; until then commands fail fast with
/// ``RedisError/unavailable(_:)`` instead of queueing behind a dead server.
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
    private let connector: Connector
    private let pipelines: [RedisPipeline]
    private let nextPipeline = ManagedAtomic(0)

    fileprivate struct State {
        var idle: [RedisConnection] = []
        var failedConnects = 0
        var nextConnectAttempt: ContinuousClock.Instant?
        var lastFailure = ""
        var outageLogged = false
    }

    /// - Parameters:
    ///   - pipelines: connections for ordinary commands, each with its own thread.
    ///   - blockingPoolSize: threads (and at most as many connections) for blocking commands.
    public init(
        url: RedisURL,
        pipelines: Int = 2,
        blockingPoolSize: Int = 4,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(2),
        backoff: Backoff = Backoff(),
        logger: Logger
    ) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.backoff = backoff
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: blockingPoolSize)
        let state = NIOLockedValueBox(State())
        self.state = state
        let connector = Connector(
            url: url,
            connectTimeout: connectTimeout,
            commandTimeout: commandTimeout,
            backoff: backoff,
            logger: logger,
            state: state
        )
        self.connector = connector
        self.pipelines = (0..<max(1, pipelines)).map { index in
            RedisPipeline(name: "redis-pipeline-\(index)", connect: connector.open, connectionFailed: { connector.noteFailure($0.description) })
        }
        threadPool.start()
    }

    /// Sends a command; each argument is sent binary-safe.
    public func command(_ arguments: [String]) async throws -> RedisReply {
        try await command(bytes: arguments.map { Array($0.utf8) })
    }

    /// Sends a command; `extraWait` marks one that blocks on the server (`XREADGROUP … BLOCK`)
    /// for up to that long: it stretches the read timeout and runs on a connection of its own.
    public func command(bytes arguments: [[UInt8]], extraWait: Duration = .zero) async throws -> RedisReply {
        guard extraWait > .zero else {
            let index = nextPipeline.loadThenWrappingIncrement(ordering: .relaxed)
            return try await pipelines[index % pipelines.count].submit(arguments)
        }
        return try await threadPool.runIfActive { [self] in
            let connection = try checkout()
            do {
                let reply = try connection.send(arguments, extraWait: extraWait, commandTimeout: commandTimeout)
                checkin(connection)
                return reply
            } catch let error as RedisError {
                // An error reply leaves the connection usable; anything else means it is gone.
                if case .server = error { checkin(connection) } else { connector.noteFailure(error.description) }
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
        try? await cancelWhenGracefulShutdown {
            var attempt = 0
            while !Task.isCancelled {
                do {
                    try await self.ping()
                    return
                } catch {
                    try await Task.sleep(for: self.backoff.delay(attempt: attempt))
                    attempt += 1
                }
            }
        }
        try? await gracefulShutdown()
        for pipeline in pipelines { pipeline.stop() }
        state.withLockedValue { $0.idle.removeAll() }
        try await threadPool.shutdownGracefully()
    }

    // MARK: blocking-command connections (called on pool threads only)

    private func checkout() throws(RedisError) -> RedisConnection {
        if let idle = state.withLockedValue({ $0.idle.popLast() }) { return idle }
        return try connector.open()
    }

    private func checkin(_ connection: RedisConnection) {
        guard !connection.isBroken else { return }
        state.withLockedValue { $0.idle.append(connection) }
    }
}

/// Opens connections for the client's pipelines and pool, applying the shared backoff and
/// logging each outage once: at its first failure, and when a connection succeeds again.
private struct Connector: Sendable {
    let url: RedisURL
    let connectTimeout: Duration
    let commandTimeout: Duration
    let backoff: Backoff
    let logger: Logger
    let state: NIOLockedValueBox<RedisClient.State>

    func open() throws(RedisError) -> RedisConnection {
        let waiting = state.withLockedValue { state -> String? in
            guard let notBefore = state.nextConnectAttempt, ContinuousClock.now < notBefore else { return nil }
            return "reconnecting after: \(state.lastFailure)"
        }
        if let waiting { throw .unavailable(waiting) }
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

    /// Records a failed connect or a lost connection: drops idle connections (they likely
    /// share the fault), schedules the next connect, and logs the first failure of an outage.
    func noteFailure(_ reason: String) {
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
