import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import ServiceKit
import ServiceKitHTTPClient

/// One delivery as a provider sends it.
struct Delivery: Sendable {
    let id: UUID
    let target: String
    let message: String?
    /// JSON object text.
    let payload: String?
}

/// An outside system integrations delivers to. Its `send` makes one attempt and reports
/// failure as ``ProviderFailure`` (via ``OutboundHTTP/Reply/requireSuccess()``).
protocol Provider: Sendable {
    var name: String { get }
    /// False when its credentials are missing: deliveries to it are refused with 422.
    var isConfigured: Bool { get }
    /// Why a delivery cannot go to this provider at all (bad target), checked at submission.
    func problem(with target: String, message: String?, payload: String?) -> FieldError?
    func send(_ delivery: Delivery, http: OutboundHTTP, timeout: Duration) async throws -> OutboundHTTP.Reply
    /// Why a delivery must never go to `target` (an address it may not reach), decided by
    /// resolving it; nil when it may, or when that cannot be told yet (the name does not resolve).
    func refusal(ofTarget target: String) async -> String?
    /// What of a successful reply is kept as the delivery's `provider_response`.
    func record(_ reply: OutboundHTTP.Reply) -> String
}

extension Provider {
    func refusal(ofTarget target: String) async -> String? { nil }

    func record(_ reply: OutboundHTTP.Reply) -> String { reply.excerpt(limit: 1000) }

    func jsonRequest(_ url: String, body: [String: AnyJSON], headers: [(String, String)] = []) throws -> (HTTPClientRequest, [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = Array(try encoder.encode(body))
        request.body = .bytes(ByteBuffer(bytes: bytes))
        return (request, bytes)
    }
}

/// Slack: `chat.postMessage` with a bot token, or an incoming webhook.
struct SlackProvider: Provider {
    let name = "slack"
    let botToken: String?
    let webhookURL: String?
    let apiBaseURL: String

    var isConfigured: Bool { botToken != nil || webhookURL != nil }

    func problem(with target: String, message: String?, payload: String?) -> FieldError? {
        if botToken != nil, target.isEmpty { return FieldError(field: "target", message: "must name a Slack channel") }
        return message == nil ? FieldError(field: "message", message: "is required for slack") : nil
    }

    func send(_ delivery: Delivery, http: OutboundHTTP, timeout: Duration) async throws -> OutboundHTTP.Reply {
        let text = AnyJSON.string(delivery.message ?? "")
        if let botToken {
            let (request, _) = try jsonRequest(
                apiBaseURL + "/chat.postMessage",
                body: ["channel": .string(delivery.target), "text": text],
                headers: [("Authorization", "Bearer \(botToken)")]
            )
            let reply = try await http.send(request, timeout: timeout).requireSuccess()
            // Slack answers 200 with {"ok": false, "error": …} for requests it refuses.
            if reply.text.contains("\"ok\":false") {
                throw ProviderFailure(
                    retryable: reply.text.contains("ratelimited"),
                    countsAgainstBreaker: false,
                    status: reply.status,
                    description: "slack refused: \(reply.excerpt(limit: 300))"
                )
            }
            return reply
        }
        guard let webhookURL else { throw ProviderFailure(retryable: false, countsAgainstBreaker: false, description: "slack is not configured") }
        let (request, _) = try jsonRequest(webhookURL, body: ["text": text])
        return try await http.send(request, timeout: timeout).requireSuccess()
    }
}

/// Generic webhooks: the payload POSTed as JSON to the target URL, signed so receivers can
/// verify it: `Webhook-Signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
/// Targets come from clients, so each is checked by `targets` (no loopback, private,
/// link-local, … address unless `WEBHOOK_ALLOWED_HOSTS` lists it) and called at the address
/// checked, without following redirects; only the status and an excerpt of the answer are kept.
struct WebhookProvider: Provider {
    let name = "webhook"
    let signingSecret: String?
    let targets: OutboundTargetGuard
    let pinned = PinnedHTTP(bodyLimit: 64 << 10)

    var isConfigured: Bool { signingSecret != nil }

    func problem(with target: String, message: String?, payload: String?) -> FieldError? {
        guard let url = URL(string: target), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            return FieldError(field: "target", message: "must be an http(s) URL")
        }
        return message == nil && payload == nil ? FieldError(field: "payload", message: "a message or a payload is required") : nil
    }

    func send(_ delivery: Delivery, http: OutboundHTTP, timeout: Duration) async throws -> OutboundHTTP.Reply {
        let body: [String: AnyJSON] =
            delivery.payload.flatMap { try? JSONDecoder().decode([String: AnyJSON].self, from: Data($0.utf8)) } ?? [
                "text": .string(delivery.message ?? "")
            ]
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let id = delivery.id.uuidString.lowercased()
        var (request, bytes) = try jsonRequest(delivery.target, body: body)
        let signed = Array("\(id).\(timestamp).".utf8) + bytes
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array((signingSecret ?? "").utf8)))
        request.headers.add(name: "Webhook-Id", value: id)
        request.headers.add(name: "Webhook-Timestamp", value: timestamp)
        request.headers.add(name: "Webhook-Signature", value: "v1," + Data(mac).base64EncodedString())
        switch await targets.check(delivery.target) {
        case .allowed(let target):
            return try await pinned.send(request, to: target, timeout: timeout).requireSuccess()
        case .refused(let reason):
            throw ProviderFailure(retryable: false, countsAgainstBreaker: false, description: "target refused: \(reason)")
        case .unresolved(let reason):
            // One receiver's DNS says nothing about the others, so the breaker is not told.
            throw ProviderFailure(retryable: true, countsAgainstBreaker: false, description: reason)
        }
    }

    func refusal(ofTarget target: String) async -> String? {
        if case .refused(let reason) = await targets.check(target) { return reason }
        return nil
    }

    func record(_ reply: OutboundHTTP.Reply) -> String {
        "HTTP \(reply.status): \(reply.excerpt(limit: 256))"
    }
}

/// PagerDuty Events API v2: an alert triggered with the delivery id as `dedup_key`, so a
/// delivery sent twice (a timeout left us unsure) opens one incident.
struct PagerDutyProvider: Provider {
    let name = "pagerduty"
    let routingKey: String?
    let eventsURL: String

    var isConfigured: Bool { routingKey != nil }

    func problem(with target: String, message: String?, payload: String?) -> FieldError? {
        message == nil ? FieldError(field: "message", message: "is required for pagerduty (the alert summary)") : nil
    }

    func send(_ delivery: Delivery, http: OutboundHTTP, timeout: Duration) async throws -> OutboundHTTP.Reply {
        let details = delivery.payload.flatMap { try? JSONDecoder().decode(AnyJSON.self, from: Data($0.utf8)) } ?? .object([:])
        let (request, _) = try jsonRequest(
            eventsURL,
            body: [
                "routing_key": .string(routingKey ?? ""),
                "event_action": .string("trigger"),
                "dedup_key": .string(delivery.id.uuidString.lowercased()),
                "payload": .object([
                    "summary": .string(delivery.message ?? ""), "source": .string(delivery.target.isEmpty ? "assistant" : delivery.target),
                    "severity": .string("error"), "custom_details": details,
                ]),
            ]
        )
        return try await http.send(request, timeout: timeout).requireSuccess()
    }
}
