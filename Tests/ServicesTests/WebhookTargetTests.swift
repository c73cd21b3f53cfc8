import Foundation
import Hummingbird
import IntegrationsService
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

/// Webhook targets come from clients, so integrations must not become a way into the network
/// it runs in: non-public addresses are refused (at submission when that can be told, else at
/// send time) unless `WEBHOOK_ALLOWED_HOSTS` lists them, redirects are not followed, and only
/// the status and a short clean excerpt of an answer are kept.
@Suite struct WebhookTargetTests {
    /// A receiver on loopback: `/hook` counts what arrives, `/moved` redirects to it, `/noisy`
    /// answers with a long body full of control characters.
    final class Receiver: Sendable {
        let hooks = NIOLockedValueBox(0)

        var definition: ServiceDefinition {
            let hooks = self.hooks
            return ServiceDefinition(
                name: "receiver",
                defaultPort: 0,
                addRoutes: { routes in
                    routes.post("/hook", summary: "Counts webhooks.", responses: [.ok: "Received."]) { _, _ in
                        hooks.withLockedValue { $0 += 1 }
                        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "thanks")))
                    }
                    routes.post("/moved", summary: "Redirects to /hook.", responses: [.found: "Elsewhere."]) { _, _ in
                        Response(status: .found, headers: [.location: "/hook"])
                    }
                    routes.post("/noisy", summary: "A long answer with control characters.", responses: [.ok: "Received."]) { _, _ in
                        Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: String(repeating: "secret\u{1B}[31m\r\n", count: 4000))))
                    }
                }
            )
        }
    }

    static func settings(_ database: String, _ extra: [String: String] = [:]) -> [String: String] {
        [
            "DATABASE_URL": database, "WEBHOOK_SIGNING_SECRET": "whsec-test", "RETRY_BASE_SECONDS": "0.05", "DELIVERY_RETRY_BASE_SECONDS": "0.1",
            "PROVIDER_TOTAL_BUDGET_SECONDS": "3",
        ]
        .merging(extra) { _, new in new }
    }

    @Test func nonPublicTargetsAreRefusedAtSubmissionWithoutAnAllowList() async throws {
        let database = try await TestDatabase.fresh()
        try await RunningService.with(IntegrationsService.definition, settings: Self.settings(database), waitForReady: true) { service in
            for target in [
                "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://169.254.169.254/latest/meta-data/",
                "http://10.1.2.3/", "http://172.20.0.5/", "http://192.168.1.1/", "http://100.64.0.1/", "http://0.0.0.0/",
                "http://224.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/",
                "http://[fd00::1]/", "http://[fe80::1]/", "http://[::]/", "https://2130706433/", "http://127.1/",
            ] {
                let response = try await IntegrationsTests.deliver(service, #"{"provider":"webhook","target":"\#(target)","payload":{"n":1}}"#)
                #expect(response.status == 422, "\(target): \(response.status) \(response.body)")
                #expect((try? response.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["target"], "\(target)")
            }
            #expect(
                try await TestDatabase.with(url: database) { try await TestDatabase.scalar($0, "SELECT count(*)::int FROM integrations.deliveries") }
                    == 0
            )
        }
    }

    @Test func aStoredDeliveryToARefusedTargetIsDeadAtSendTimeAndNothingIsSent() async throws {
        let receiver = Receiver()
        let database = try await TestDatabase.fresh()
        try await RunningService.with(receiver.definition) { (stand: RunningService) async throws in
            try await RunningService.with(IntegrationsService.definition, settings: Self.settings(database), waitForReady: true) { service in
                // As if it had been accepted before the check existed, or its name resolved elsewhere then.
                let id = UUID()
                let target = stand.baseURL + "/hook"
                try await TestDatabase.with(url: database) { client in
                    _ = try await client.query(
                        "INSERT INTO integrations.deliveries (id, provider, target, payload) VALUES (\(id), 'webhook', \(target), '{}'::jsonb)"
                    )
                }
                let dead = try await IntegrationsTests.waitFor(service, id.uuidString.lowercased(), status: "dead")
                #expect((dead["last_error"] as? String)?.contains("target refused: 127.0.0.1 is a loopback address") == true, "\(dead)")
                #expect(receiver.hooks.withLockedValue { $0 } == 0)
            }
        }
    }

    @Test func anAllowListedReceiverIsReachedByNameOrBlockAndKeepsOnlyAnExcerpt() async throws {
        let receiver = Receiver()
        let database = try await TestDatabase.fresh()
        try await RunningService.with(receiver.definition) { (stand: RunningService) async throws in
            try await RunningService.with(
                IntegrationsService.definition,
                settings: Self.settings(database, ["WEBHOOK_ALLOWED_HOSTS": "localhost, 127.0.0.0/8"]),
                waitForReady: true
            ) { service in
                // By name: connected to the address the check resolved, with the name as Host.
                let byName = try #require(
                    try await IntegrationsTests.deliver(
                        service,
                        #"{"provider":"webhook","target":"http://localhost:\#(stand.port)/hook","payload":{"n":1}}"#
                    ).json["id"] as? String
                )
                let delivered = try await IntegrationsTests.waitFor(service, byName, status: "delivered")
                #expect(delivered["provider_response"] as? String == "HTTP 200: thanks")

                // Spelled otherwise, the name still matches the allow-list, and the pinned
                // address is found under the name exactly as the HTTP client reads it.
                let respelled = try #require(
                    try await IntegrationsTests.deliver(
                        service,
                        #"{"provider":"webhook","target":"http://LocalHost.:\#(stand.port)/hook","payload":{"n":4}}"#
                    ).json["id"] as? String
                )
                _ = try await IntegrationsTests.waitFor(service, respelled, status: "delivered")

                let noisy = try #require(
                    try await IntegrationsTests.deliver(service, #"{"provider":"webhook","target":"\#(stand.baseURL)/noisy","payload":{"n":2}}"#)
                        .json["id"] as? String
                )
                let kept = try #require(try await IntegrationsTests.waitFor(service, noisy, status: "delivered")["provider_response"] as? String)
                #expect(kept.count <= 270, "\(kept.count) characters kept")
                #expect(!kept.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) })

                let moved = try #require(
                    try await IntegrationsTests.deliver(service, #"{"provider":"webhook","target":"\#(stand.baseURL)/moved","payload":{"n":3}}"#)
                        .json["id"] as? String
                )
                let failed = try await IntegrationsTests.waitFor(service, moved, status: "failed")
                #expect((failed["last_error"] as? String)?.contains("HTTP 302") == true, "\(failed)")
                #expect(receiver.hooks.withLockedValue { $0 } == 2, "the redirect was followed")
            }
        }
    }
}
