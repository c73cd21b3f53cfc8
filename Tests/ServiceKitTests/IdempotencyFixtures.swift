import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import ServiceKit

/// A service whose idempotent and rate-limited routes count how often their handlers ran.
struct CountingService: Sendable {
    let calls = NIOLockedValueBox(0)
    /// Handlers called with `?hold=1` wait until a test opens this.
    let gate = NIOLockedValueBox(false)
    /// The service name namespaces its Redis keys and metrics; tests that share the Redis
    /// and count per client address use a name of their own.
    var name = "counting"

    static func isolated() -> CountingService {
        CountingService(name: "counting_\(UInt32.random(in: 0...UInt32.max))")
    }

    var callCount: Int { calls.withLockedValue { $0 } }

    var definition: ServiceDefinition {
        let (calls, gate) = (self.calls, self.gate)
        return ServiceDefinition(
            name: name,
            defaultPort: 0,
            addRoutes: { routes in
                routes.post("/v1/orders", summary: "Creates an order.", responses: [.created: "Created."], idempotent: true) { request, context in
                    let body = try await request.body.collect(upTo: context.maxUploadSize)
                    let number = calls.withLockedValue { count in
                        count += 1
                        return count
                    }
                    if let seconds = request.uri.queryParameters.get("sleep", as: Double.self) {
                        try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                    }
                    if request.uri.queryParameters.get("hold") != nil {
                        while !gate.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
                    }
                    return Response(
                        status: .created,
                        headers: [.contentType: "application/json", .location: "/v1/orders/\(number)"],
                        body: .init(
                            byteBuffer: ByteBuffer(string: #"{"order":\#(number),"received":\#(body.readableBytes),"nonce":"\#(UUID().uuidString)"}"#)
                        )
                    )
                }
                routes.post(
                    "/v1/flaky",
                    summary: "Fails on its first call.",
                    responses: [.created: "Created.", .serviceUnavailable: "First call."],
                    idempotent: true
                ) { _, _ in
                    let number = calls.withLockedValue { count in
                        count += 1
                        return count
                    }
                    return Response(status: number == 1 ? .serviceUnavailable : .created)
                }
                routes.post("/v1/limited", summary: "Allows 3 a minute.", responses: [.ok: "Allowed."], rateLimit: "3/minute") { _, _ in
                    "ok"
                }
                routes.get("/v1/default", summary: "Under the default limit.", responses: [.ok: "Allowed."]) { _, _ in
                    "ok"
                }
            }
        )
    }
}
