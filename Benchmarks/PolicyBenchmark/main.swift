import AsyncHTTPClient
import Foundation
import NIOCore
import ServiceKit
import ServiceKitHTTPClient

/// The resilience policy's cost per call, against the same call made directly, in one run:
/// an in-process no-op (the policy's own overhead) and a loopback HTTP POST to the URL given
/// as the first argument. Prints one JSON line per pair.
let url = CommandLine.arguments.dropFirst().first
let policy = ResiliencePolicy(
    provider: "bench",
    settings: ResilienceSettings(breakerMaxFailures: 1_000_000),
    metrics: ServiceMetrics(service: "bench")
)

func measure(_ count: Int, _ body: () async throws -> Void) async rethrows -> Duration {
    let start = ContinuousClock.now
    for _ in 0..<count { try await body() }
    return ContinuousClock.now - start
}

func report(_ name: String, count: Int, direct: Duration, withPolicy: Duration) {
    let directMicros = direct.seconds / Double(count) * 1e6
    let policyMicros = withPolicy.seconds / Double(count) * 1e6
    print(
        #"{"scenario":"\#(name)","calls":\#(count),"direct_us":\#(String(format: "%.2f", directMicros)),"policy_us":\#(String(format: "%.2f", policyMicros)),"overhead_us":\#(String(format: "%.2f", policyMicros - directMicros)),"ratio":\#(String(format: "%.3f", policyMicros / directMicros))}"#
    )
}

@Sendable func noop() async throws -> Int { 1 }
let calls = 50_000
_ = try await measure(1000) { _ = try await noop() }
_ = try await measure(1000) { _ = try await policy.execute { _ in try await noop() } }
report(
    "noop",
    count: calls,
    direct: try await measure(calls) { _ = try await noop() },
    withPolicy: try await measure(calls) { _ = try await policy.execute { _ in try await noop() } }
)

if let url {
    let http = OutboundHTTP()
    @Sendable func post() async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"n":1}"#))
        return try await http.send(request, timeout: .seconds(5)).requireSuccess().status
    }
    let posts = 3000
    _ = try await measure(200) { _ = try await post() }
    var direct = Duration.zero
    var withPolicy = Duration.zero
    // Interleaved halves, so drift in the machine's load affects both alike.
    for _ in 0..<2 {
        direct += try await measure(posts / 2) { _ = try await post() }
        withPolicy += try await measure(posts / 2) { _ = try await policy.execute { _ in try await post() } }
    }
    report("loopback_http_post", count: posts, direct: direct, withPolicy: withPolicy)
}
