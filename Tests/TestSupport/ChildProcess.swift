import Foundation
import NIOConcurrencyHelpers

/// A program the tests start, with its output in a file, that can be signalled and awaited.
///
/// Spawned with `posix_spawn` and reaped with `waitpid`, not Foundation's `Process`: programs
/// that leave daemons behind (`pg_ctl start`) would otherwise never be seen to exit.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let outputPath: String
    private let exitStatus = NIOLockedValueBox<Int32?>(nil)

    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        inheritEnvironment: Bool = false,
        outputPath: String? = nil
    ) throws {
        var variables =
            inheritEnvironment ? ProcessInfo.processInfo.environment : ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        variables.merge(environment) { _, new in new }
        let outputPath = outputPath ?? NSTemporaryDirectory() + "child-\(UUID().uuidString).log"
        self.outputPath = outputPath

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else {
            throw CommandFailure(command: executable, output: "posix_spawn failed: \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// The exit status once the process has ended (a signal shows as 128 + its number).
    public var status: Int32? {
        exitStatus.withLockedValue { recorded in
            if let recorded { return recorded }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            let terminatingSignal = raw & 0x7f
            recorded = terminatingSignal == 0 ? (raw >> 8) & 0xff : 128 + terminatingSignal
            return recorded
        }
    }

    public var isRunning: Bool { status == nil }

    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits up to `timeout` for the process to end; nil if it is still running.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status { return status }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Ends the process for good (used in cleanup).
    public func stop() async {
        guard isRunning else { return }
        signal(SIGKILL)
        _ = await waitForExit(timeout: .seconds(5))
    }

    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }
}

/// Runs a command to completion, failing with its output if it exits non-zero.
@discardableResult
public func runCommand(
    _ executable: String,
    _ arguments: [String],
    environment: [String: String] = [:],
    timeout: Duration = .seconds(60)
) async throws -> String {
    let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment)
    guard let status = await child.waitForExit(timeout: timeout) else {
        await child.stop()
        throw CommandFailure(command: ([executable] + arguments).joined(separator: " "), output: "timed out")
    }
    guard status == 0 else {
        throw CommandFailure(command: ([executable] + arguments).joined(separator: " "), output: child.output)
    }
    return child.output
}

public struct CommandFailure: Error, CustomStringConvertible {
    public let command: String
    public let output: String

    public init(command: String, output: String) {
        self.command = command
        self.output = output
    }

    public var description: String { "\(command) failed: \(output)" }
}
