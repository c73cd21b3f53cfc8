import Foundation
import TestSupport
import Testing

/// A service's memory stays bounded under load: what a request holds is freed when it ends,
/// not when its deadline would have passed (a sleeping timer per request grew a service by
/// hundreds of megabytes at a few thousand requests per second).
@Suite struct RequestMemoryTests {
    @Test func fiftyThousandRequestsGrowAServiceByLessThanFifteenMegabytes() async throws {
        // A long deadline: what a request leaves behind must not depend on how long it could have taken.
        let service = try ServiceProcess("nlu", environment: ["LOG_LEVEL": "warning", "REQUEST_TIMEOUT_SECONDS": "120"])
        defer { Task { await service.child.stop() } }
        try await service.waitUntilListening()

        // Warm up: connections, caches, the allocator's arenas and the metric series exist.
        let warmUp = try await LoopbackLoad.get(port: service.port, path: "/health", requests: 5_000)
        #expect(warmUp.failures == 0)
        let before = try Self.residentBytes(of: service.child.pid)

        let load = try await LoopbackLoad.get(port: service.port, path: "/health", requests: 50_000)
        let after = try Self.residentBytes(of: service.child.pid)

        #expect(load.answered == 50_000)
        #expect(load.failures == 0)
        let growth = after - before
        #expect(growth < 15 * 1_048_576, "grew by \(growth / 1024) KiB, from \(before / 1024) KiB")
    }

    /// `VmRSS` from `/proc/<pid>/status`.
    static func residentBytes(of pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap({ Int($0) })
        else {
            throw CommandFailure(command: "read /proc/\(pid)/status", output: status)
        }
        return kilobytes * 1024
    }
}
