import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import IntegrationsService
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

/// integrations against real HTTP servers on loopback standing in for Slack, a webhook
/// receiver and PagerDuty; each test has a database of its own.
@Suite struct IntegrationsTests {
    static let secret = "whsec-test-secret"

    /// The stand-in providers: they record what arrived and fail while `failing` is set.
    final class Receivers: Sendable {
        let failing = NIOLockedValueBox(false)
        /// Webhook-Id → times received (with a valid signature).
        let webhooks = NIOLockedValueBox([String: Int]())
        let badSignatures = NIOLockedValueBox(0)
        let slack = NIOLockedValueBox([(authorization: String, body: String)]())
        /// Bodies received by the Slack incoming webhook.
        let slackIncoming = NIOLockedValueBox([String]())
        let pagerduty = NIOLockedValueBox([String]())

        var definition: ServiceDefinition {
            let (failing, webhooks, badSignatures, slack, slackIncoming, pagerduty) = (
                self.failing, self.webhooks, self.badSignatures, self.slack, self.slackIncoming, self.pagerduty
            )
            return ServiceDefinition(
                name: "receivers",
                defaultPort: 0,
                addRoutes: { routes in
                    routes.post("/hook", summary: "A webhook receiver that verifies signatures.", responses: [.ok: "Received."]) { request, _ in
                        let body = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
                        if failing.withLockedValue({ $0 }) { return Response(status: .serviceUnavailable) }
                        let id = request.headers[HTTPField.Name("Webhook-Id")!] ?? ""
                        let timestamp = request.headers[HTTPField.Name("Webhook-Timestamp")!] ?? ""
                        let signature = request.headers[HTTPField.Name("Webhook-Signature")!] ?? ""
                        let expected = HMAC<SHA256>.authenticationCode(
                            for: Array("\(id).\(timestamp).".utf8) + body,
                            using: SymmetricKey(data: Array(IntegrationsTests.secret.utf8))
                        )
                        guard signature == "v1," + Data(expected).base64EncodedString() else {
                            badSignatures.withLockedValue { $0 += 1 }
                            return Response(status: .unauthorized)
                        }
                        webhooks.withLockedValue { $0[id, default: 0] += 1 }
                        return Response(status: .ok)
                    }
                    routes.post("/slack/chat.postMessage", summary: "Slack's API.", responses: [.ok: "ok"]) { request, _ in
                        let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                        if failing.withLockedValue({ $0 }) { return Response(status: .internalServerError) }
                        slack.withLockedValue { $0.append((request.headers[.authorization] ?? "", body)) }
                        return Response(
                            status: .ok,
                            headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true}"#))
                        )
                    }
                    routes.post("/slack/incoming", summary: "A Slack incoming webhook.", responses: [.ok: "ok"]) { request, _ in
                        let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                        if failing.withLockedValue({ $0 }) { return Response(status: .internalServerError) }
                        slackIncoming.withLockedValue { $0.append(body) }
                        // Slack's incoming webhooks answer a bare "ok", not JSON.
                        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
                    }
                    routes.post("/pagerduty", summary: "PagerDuty's Events API.", responses: [.accepted: "Enqueued."]) { request, _ in
                        let body = try await request.body.collect(upTo: 1 << 20)
                        if failing.withLockedValue({ $0 }) { return Response(status: .internalServerError) }
                        let event = try JSONDecoder().decode([String: AnyJSON].self, from: Data(body.readableBytesView))
                        if case .string(let key) = event["dedup_key"] { pagerduty.withLockedValue { $0.append(key) } }
                        return Response(status: .accepted, body: .init(byteBuffer: ByteBuffer(string: #"{"status":"success"}"#)))
                    }
                }
            )
        }
    }

    static func settings(receivers: RunningService, database: String, extra: [String: String] = [:]) -> [String: String] {
        [
            "DATABASE_URL": database,
            "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_BASE_URL": receivers.baseURL + "/slack",
            "WEBHOOK_SIGNING_SECRET": secret, "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
            "PAGERDUTY_ROUTING_KEY": "pd-key", "PAGERDUTY_EVENTS_URL": receivers.baseURL + "/pagerduty",
            "RETRY_BASE_SECONDS": "0.05", "DELIVERY_RETRY_BASE_SECONDS": "0.1", "CB_MAX_FAILURES": "3", "CB_OPEN_SECONDS": "1",
            "PROVIDER_TIMEOUT_DEFAULT_SECONDS": "2", "PROVIDER_TOTAL_BUDGET_SECONDS": "3",
        ].merging(extra) { _, new in new }
    }

    static func deliver(_ service: RunningService, _ body: String) async throws -> TestHTTPResponse {
        try await service.send(
            .POST,
            "/v1/deliveries",
            headers: [("Content-Type", "application/json"), ("Idempotency-Key", UUID().uuidString)],
            body: body
        )
    }

    static func waitFor(_ service: RunningService, _ id: String, status: String, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try await service.send(.GET, "/v1/deliveries/\(id)").json
            if last["status"] as? String == status { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandFailure(command: "wait for delivery \(id) to be \(status)", output: "\(last)")
    }

    @Test func deliversToEachProviderAndTheReceiverVerifiesTheSignature() async throws {
        let receivers = Receivers()
        let database = try await TestDatabase.fresh()
        try await RunningService.with(receivers.definition) { (stand: RunningService) async throws in
            try await RunningService.with(
                IntegrationsService.definition,
                settings: Self.settings(receivers: stand, database: database),
                waitForReady: true
            ) { (service: RunningService) async throws in
                let webhook = try #require(
                    try await Self.deliver(
                        service,
                        #"{"provider":"webhook","target":"\#(stand.baseURL)/hook","payload":{"event":"order.paid","amount":12}}"#
                    ).json["id"] as? String
                )
                let slack = try #require(
                    try await Self.deliver(service, #"{"provider":"slack","target":"ops-room","message":"Deploy finished"}"#).json["id"] as? String
                )
                let pagerduty = try #require(
                    try await Self.deliver(service, #"{"provider":"pagerduty","target":"checkout","message":"Error rate above 5%"}"#).json["id"]
                        as? String
                )
                for id in [webhook, slack, pagerduty] {
                    let delivered = try await Self.waitFor(service, id, status: "delivered")
                    #expect(delivered["attempts"] as? Int == 1)
                }
                #expect(receivers.webhooks.withLockedValue { $0 } == [webhook: 1])
                #expect(receivers.badSignatures.withLockedValue { $0 } == 0)
                let slackCall = try #require(receivers.slack.withLockedValue { $0.first })
                #expect(slackCall.authorization == "Bearer xoxb-test")
                #expect(slackCall.body.contains(#""channel":"ops-room""#))
                #expect(receivers.pagerduty.withLockedValue { $0 } == [pagerduty])
                #expect(try await service.send(.GET, "/v1/deliveries/\(pagerduty)").json["provider_response"] as? String == #"{"status":"success"}"#)

                let providers = try #require(try await service.send(.GET, "/v1/providers").json["providers"] as? [[String: Any]])
                #expect(providers.map { $0["name"] as? String } == ["slack", "webhook", "pagerduty"])
                #expect(
                    providers.allSatisfy {
                        $0["status"] as? String == "configured" && $0["breaker"] as? String == "closed" && $0["successes"] as? Int == 1
                    }
                )
            }
        }
    }

    @Test func slackWithOnlyAnIncomingWebhookPostsTheMessageThere() async throws {
        let receivers = Receivers()
        let database = try await TestDatabase.fresh()
        try await RunningService.with(receivers.definition) { (stand: RunningService) async throws in
            // An empty value counts as unset, so only the incoming webhook is configured.
            let settings = Self.settings(
                receivers: stand,
                database: database,
                extra: ["SLACK_BOT_TOKEN": "", "SLACK_WEBHOOK_URL": stand.baseURL + "/slack/incoming"]
            )
            try await RunningService.with(IntegrationsService.definition, settings: settings, waitForReady: true) {
                (service: RunningService) async throws in
                let id = try #require(
                    try await Self.deliver(service, #"{"provider":"slack","target":"ignored-by-webhooks","message":"Deploy finished"}"#).json["id"]
                        as? String
                )
                let delivered = try await Self.waitFor(service, id, status: "delivered")
                #expect(delivered["provider_response"] as? String == "ok")
                #expect(receivers.slackIncoming.withLockedValue { $0 } == [#"{"text":"Deploy finished"}"#])
                #expect(receivers.slack.withLockedValue { $0.isEmpty }, "the bot API was called without a bot token")
            }
        }
    }

    @Test func invalidDeliveriesAreRefused() async throws {
        let receivers = Receivers()
        let database = try await TestDatabase.fresh()
        try await RunningService.with(receivers.definition) { (stand: RunningService) async throws in
            var settings = Self.settings(receivers: stand, database: database)
            settings["PAGERDUTY_ROUTING_KEY"] = nil
            try await RunningService.with(IntegrationsService.definition, settings: settings, waitForReady: true) {
                (service: RunningService) async throws in
                for (body, field) in [
                    (#"{"provider":"fax","target":"x","message":"m"}"#, "provider"),
                    (#"{"provider":"pagerduty","target":"x","message":"m"}"#, "provider"),
                    (#"{"provider":"webhook","target":"ftp://x","payload":{}}"#, "target"),
                    (#"{"provider":"slack","target":"ops-room"}"#, "message"),
                    (#"{"provider":"webhook","target":"http://x/y","payload":[1]}"#, "payload"),
                    (#"{"target":"x"}"#, "provider"),
                ] {
                    let response = try await Self.deliver(service, body)
                    #expect(response.status == 422, "\(body)")
                    let fields = (try response.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
                    #expect(fields == [field], "\(body)")
                }
                let providers = try #require(try await service.send(.GET, "/v1/providers").json["providers"] as? [[String: Any]])
                #expect(providers.first { $0["name"] as? String == "pagerduty" }?["status"] as? String == "unconfigured")
                #expect(
                    try await TestDatabase.with(url: database) {
                        try await TestDatabase.scalar($0, "SELECT count(*)::int FROM integrations.deliveries")
                    } == 0
                )
            }
        }
    }

    @Test func anOutageOpensTheBreakerAndEveryDeliveryArrivesExactlyOnceAfterIt() async throws {
        let receivers = Receivers()
        receivers.failing.withLockedValue { $0 = true }
        let database = try await TestDatabase.fresh()
        try await RunningService.with(receivers.definition) { (stand: RunningService) async throws in
            try await RunningService.with(
                IntegrationsService.definition,
                settings: Self.settings(receivers: stand, database: database),
                waitForReady: true
            ) { (service: RunningService) async throws in
                var ids: [String] = []
                for index in 0..<10 {
                    ids.append(
                        try #require(
                            try await Self.deliver(service, #"{"provider":"webhook","target":"\#(stand.baseURL)/hook","payload":{"n":\#(index)}}"#)
                                .json["id"] as? String
                        )
                    )
                }
                // The breaker opens while the receiver fails.
                let deadline = ContinuousClock.now + .seconds(20)
                var breaker = ""
                while breaker != "open", ContinuousClock.now < deadline {
                    let providers = try await service.send(.GET, "/v1/providers").json["providers"] as? [[String: Any]]
                    breaker = providers?.first { $0["name"] as? String == "webhook" }?["breaker"] as? String ?? ""
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(breaker == "open")
                receivers.failing.withLockedValue { $0 = false }
                for id in ids { _ = try await Self.waitFor(service, id, status: "delivered") }
                #expect(receivers.webhooks.withLockedValue { $0 }.count == 10)
                #expect(receivers.webhooks.withLockedValue { $0 }.values.allSatisfy { $0 == 1 })
                let metrics = try await service.send(.GET, "/metrics").body
                #expect(metrics.contains("integrations_provider_cb_open_total{service=\"webhook\"}"))
                #expect(!metrics.contains("integrations_provider_cb_open_total{service=\"webhook\"} 0"))
                #expect(metrics.contains("integrations_provider_retries_total{service=\"webhook\"}"))
                #expect(metrics.contains("integrations_provider_latency_seconds_count{service=\"webhook\"}"))
            }
        }
    }

    @Test func aDeadDeliveryCanBeRetried() async throws {
        let receivers = Receivers()
        receivers.failing.withLockedValue { $0 = true }
        let database = try await TestDatabase.fresh()
        try await RunningService.with(receivers.definition) { (stand: RunningService) async throws in
            let settings = Self.settings(
                receivers: stand,
                database: database,
                extra: ["DELIVERY_MAX_ATTEMPTS": "2", "RETRY_MAX_ATTEMPTS": "1", "CB_MAX_FAILURES": "100", "METRICS_SAMPLE_INTERVAL_SECONDS": "0.1"]
            )
            try await RunningService.with(IntegrationsService.definition, settings: settings, waitForReady: true) {
                (service: RunningService) async throws in
                let id = try #require(
                    try await Self.deliver(service, #"{"provider":"slack","target":"ops-room","message":"hello"}"#).json["id"] as? String
                )
                let dead = try await Self.waitFor(service, id, status: "dead")
                #expect(dead["attempts"] as? Int == 2)
                #expect((dead["last_error"] as? String)?.contains("HTTP 500") == true)
                #expect(try await service.send(.GET, "/v1/deliveries?status=dead").body.contains(id))
                try await service.waitForMetric(#"integrations_deliveries{provider="slack",status="dead"}"#, toBe: 1)
                receivers.failing.withLockedValue { $0 = false }
                #expect(try await service.send(.POST, "/v1/deliveries/\(id)/retry").status == 202)
                _ = try await Self.waitFor(service, id, status: "delivered")
                // Delivered rows are not counted, so the dead one's series drops back to 0.
                try await service.waitForMetric(#"integrations_deliveries{provider="slack",status="dead"}"#, toBe: 0)
                #expect(try await service.send(.POST, "/v1/deliveries/\(id)/retry").status == 409)
                #expect(try await service.send(.POST, "/v1/deliveries/\(UUID())/retry").status == 404)
            }
        }
    }

    /// A sender took the last attempt and stopped mid-send (killed, or crashed by the
    /// delivery itself): the row is left `sending` with its lease over. Claiming it again must
    /// not send it an attempt past the maximum, which could crash the next sender the same way.
    @Test func aDeliveryClaimedAgainAfterItsLastAttemptIsDeadWithoutBeingSent() async throws {
        let receivers = Receivers()
        let database = try await TestDatabase.fresh()
        try await RunningService.with(receivers.definition) { (stand: RunningService) async throws in
            let settings = Self.settings(receivers: stand, database: database, extra: ["DELIVERY_MAX_ATTEMPTS": "2"])
            try await RunningService.with(IntegrationsService.definition, settings: settings, waitForReady: true) {
                (service: RunningService) async throws in
                let id = UUID()
                try await TestDatabase.with(url: database) { client in
                    _ = try await client.query(
                        "INSERT INTO integrations.deliveries (id, provider, target, message, status, attempts, next_attempt_at) VALUES (\(id), 'pagerduty', 'db', 'disk full', 'sending', 2, now() - interval '1 second')"
                    )
                }
                let dead = try await Self.waitFor(service, id.uuidString.lowercased(), status: "dead")
                #expect(dead["attempts"] as? Int == 2)
                #expect((dead["last_error"] as? String)?.contains("attempts spent") == true, "\(dead)")
                #expect(receivers.pagerduty.withLockedValue { $0 }.isEmpty)
            }
        }
    }

    @Test func aRestartResumesTheOutbox() async throws {
        let receivers = Receivers()
        receivers.failing.withLockedValue { $0 = true }
        let database = try await TestDatabase.fresh()
        try await RunningService.with(receivers.definition) { (stand: RunningService) async throws in
            let settings = Self.settings(receivers: stand, database: database)
            let ids = try await RunningService.with(IntegrationsService.definition, settings: settings, waitForReady: true) {
                (service: RunningService) async throws in
                var ids: [String] = []
                for index in 0..<3 {
                    let response = try await Self.deliver(
                        service,
                        #"{"provider":"webhook","target":"\#(stand.baseURL)/hook","payload":{"n":\#(index)}}"#
                    )
                    ids.append(try #require(try response.json["id"] as? String, "\(response.status) \(response.body)"))
                }
                return ids
            }
            receivers.failing.withLockedValue { $0 = false }
            try await RunningService.with(IntegrationsService.definition, settings: settings, waitForReady: true) {
                (service: RunningService) async throws in
                for id in ids { _ = try await Self.waitFor(service, id, status: "delivered") }
            }
            #expect(Set(receivers.webhooks.withLockedValue { $0 }.keys) == Set(ids))
        }
    }
}
