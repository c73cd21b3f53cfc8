import Foundation

/// A private redis-server on a spare port, for tests that stop, restart or freeze Redis
/// without disturbing the shared one.
public final class RedisServerProcess: @unchecked Sendable {
    public let port: Int
    private var child: ChildProcess?

    public init() throws {
        port = try freePort()
    }

    public var url: String { "redis://127.0.0.1:\(port)/0" }

    public func start() async throws {
        let child = try ChildProcess(
            executable: try TestEnvironment.redisServer,
            arguments: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        )
        self.child = child
        let deadline = ContinuousClock.now + .seconds(10)
        while !canConnect(port: port) {
            // A server that could not start says why, at once.
            guard child.isRunning else { throw CommandFailure(command: "redis-server --port \(port)", output: "exited: \(child.output)") }
            guard ContinuousClock.now < deadline else {
                throw CommandFailure(command: "redis-server --port \(port)", output: "nothing listening after 10 s: \(child.output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops it abruptly, as a crash would.
    public func kill() async {
        await child?.stop()
        child = nil
    }

    public func freeze() { child?.signal(SIGSTOP) }
    public func thaw() { child?.signal(SIGCONT) }

    /// Runs `redis-cli` against this server and returns what it printed.
    public func cli(_ arguments: [String]) async throws -> String {
        try await runCommand("/usr/bin/env", ["redis-cli", "-p", String(port)] + arguments)
    }

    /// A counter from `INFO commandstats`, e.g. how many PINGs the server has answered.
    public func commandCalls(_ command: String) async throws -> Int {
        let output = try await cli(["INFO", "commandstats"])
        guard let line = output.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_\(command):") }),
            let calls = line.split(separator: ",").first?.split(separator: "=").last, let value = Int(calls)
        else { return 0 }
        return value
    }
}

func canConnect(port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
