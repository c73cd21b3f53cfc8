import ASRService
import AgentService
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import IngestionService
import IntegrationsService
import NIOConcurrencyHelpers
import NIOCore
import NLUService
import RAGService
import ServiceKit
import TestSupport
import Testing

/// The services an agent test runs beside the agent, each real, over one fresh database and
/// a Redis of their own: ingestion and rag (the real MiniLM model), nlu (its default model,
/// trained at start over the real model), integrations delivering to a PagerDuty stand-in, and
/// asr (the real Whisper model) for voice turns.
struct AgentStack: Sendable {
    struct Parts: OptionSet, Sendable {
        let rawValue: Int
        static let documents = Parts(rawValue: 1)
        static let nlu = Parts(rawValue: 2)
        static let integrations = Parts(rawValue: 4)
        static let asr = Parts(rawValue: 8)
    }

    let database: String
    let redis: RedisServerProcess
    let receivers: AgentReceivers
    let ingestion: RunningService?
    let rag: RunningService?
    let nlu: RunningService?
    let integrations: RunningService?
    let asr: RunningService?

    var shared: [String: String] { ["DATABASE_URL": database, "REDIS_URL": redis.url] }

    /// What an agent of this stack runs with: short leases, quick retries, the stack's URLs
    /// (a service not running is a closed port, as if it were stopped).
    func agentSettings(_ overrides: [String: String] = [:]) throws -> [String: String] {
        let closed = "http://127.0.0.1:\(try freePort())"
        return shared.merging([
            "NLU_URL": nlu?.baseURL ?? closed, "RAG_URL": rag?.baseURL ?? closed,
            "INGESTION_URL": ingestion?.baseURL ?? closed, "INTEGRATIONS_URL": integrations?.baseURL ?? closed, "ASR_URL": asr?.baseURL ?? closed,
            "AGENT_RUN_LEASE_SECONDS": "2", "RETRY_BASE_SECONDS": "0.05", "PROVIDER_TIMEOUT_DEFAULT_SECONDS": "20",
            "PROVIDER_TOTAL_BUDGET_SECONDS": "40", "SSE_HEARTBEAT_SECONDS": "1", "AGENT_ACTION_WAIT_SECONDS": "20",
        ]) { $1 }.merging(overrides) { $1 }
    }

    static func with(_ parts: Parts, _ body: @Sendable (AgentStack) async throws -> Void) async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let database = try await TestDatabase.fresh()
        let shared = ["DATABASE_URL": database, "REDIS_URL": redis.url]
        let receivers = AgentReceivers()
        do {
            try await RunningService.with(receivers.definition) { stand in
                try await optional(parts.contains(.documents) ? IngestionService.definition : nil, settings: shared) { ingestion in
                    try await optional(
                        parts.contains(.documents) ? RAGService.definition : nil,
                        settings: shared.merging(["INGESTION_URL": ingestion?.baseURL ?? ""]) { $1 }
                    ) { rag in
                        try await optional(parts.contains(.nlu) ? NLUService.definition : nil, settings: shared) { nlu in
                            if let nlu { try await waitForDefaultModel(nlu) }
                            let integrationSettings = shared.merging([
                                "PAGERDUTY_ROUTING_KEY": "pd-key", "PAGERDUTY_EVENTS_URL": stand.baseURL + "/pagerduty",
                                "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_BASE_URL": stand.baseURL + "/slack", "DELIVERY_RETRY_BASE_SECONDS": "0.1",
                            ]) { $1 }
                            try await optional(parts.contains(.integrations) ? IntegrationsService.definition : nil, settings: integrationSettings) {
                                integrations in
                                try await optional(
                                    parts.contains(.asr) ? ASRService.definition : nil,
                                    settings: shared.merging(["ASR_THREADS": "2"]) { $1 }
                                ) { asr in
                                    try await body(
                                        AgentStack(
                                            database: database,
                                            redis: redis,
                                            receivers: receivers,
                                            ingestion: ingestion,
                                            rag: rag,
                                            nlu: nlu,
                                            integrations: integrations,
                                            asr: asr
                                        )
                                    )
                                }
                            }
                        }
                    }
                }
            }
        } catch {
            await redis.kill()
            throw error
        }
        await redis.kill()
    }

    private static func optional(
        _ definition: ServiceDefinition?,
        settings: [String: String],
        _ body: @Sendable (RunningService?) async throws -> Void
    ) async throws {
        guard let definition else { return try await body(nil) }
        try await RunningService.with(definition, settings: settings, waitForReady: true) { try await body($0) }
    }

    /// Until nlu has trained its default model (at first start, over a fresh database).
    static func waitForDefaultModel(_ nlu: RunningService, headers: [(String, String)] = []) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let models = try await nlu.send(.GET, "/v1/models", headers: headers).json["models"] as? [[String: Any]] ?? []
            if models.contains(where: { $0["name"] as? String == "assistant" }) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CommandFailure(command: "wait for nlu's default model", output: "not trained in 120 s")
    }

    /// Uploads a Markdown document to ingestion and waits until rag has indexed it; its item id.
    func index(markdown: String, title: String) async throws -> String {
        let ingestion = try #require(ingestion)
        let form = Uploads.multipart([
            (name: "file", filename: title + ".md", contentType: "text/markdown", body: Array(markdown.utf8)),
            (name: "title", filename: nil, contentType: nil, body: Array(title.utf8)),
        ])
        let accepted = try await ingestion.post("/v1/documents", contentType: form.contentType, body: form.body)
        #expect(accepted.status == 202, "\(accepted.body)")
        let json = try accepted.json
        _ = try await ingestion.waitForJob(try #require(json["job_id"] as? String), status: "done", timeout: .seconds(120))
        return try #require(json["item_id"] as? String)
    }
}

/// The outside world integrations delivers to, as a real HTTP server: a PagerDuty Events API
/// that records each event's `dedup_key` and summary.
final class AgentReceivers: Sendable {
    let pagerduty = NIOLockedValueBox([(dedupKey: String, summary: String)]())

    var definition: ServiceDefinition {
        let pagerduty = self.pagerduty
        return ServiceDefinition(
            name: "receivers",
            defaultPort: 0,
            addRoutes: { routes in
                routes.post("/pagerduty", summary: "PagerDuty's Events API v2.", responses: [.accepted: "Enqueued."]) { request, _ in
                    let event = try JSONDecoder().decode(
                        [String: AnyJSON].self,
                        from: Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
                    )
                    guard case .string(let key) = event["dedup_key"], case .object(let payload) = event["payload"],
                        case .string(let summary) = payload["summary"]
                    else {
                        return Response(status: .badRequest)
                    }
                    pagerduty.withLockedValue { $0.append((key, summary)) }
                    return Response(status: .accepted, body: .init(byteBuffer: ByteBuffer(string: #"{"status":"success"}"#)))
                }
            }
        )
    }
}

/// A service stand-in between an agent and a real service: it forwards the routes it is
/// given and holds the ones marked `held` until released (the agent is stuck mid-node there),
/// counting what it saw.
final class RelayStandIn: Sendable {
    let target: String
    let forwarded: [(method: HTTPRequest.Method, path: String)]
    let held: [(method: HTTPRequest.Method, path: String)]
    let seen = NIOLockedValueBox([String: Int]())
    /// The bodies of the forwarded answers, by route.
    let answers = NIOLockedValueBox([String: [String]]())
    let released = NIOLockedValueBox(false)

    init(target: String, forwarded: [(HTTPRequest.Method, String)], held: [(HTTPRequest.Method, String)]) {
        self.target = target
        self.forwarded = forwarded.map { (method: $0.0, path: $0.1) }
        self.held = held.map { (method: $0.0, path: $0.1) }
    }

    func count(_ route: String) -> Int { seen.withLockedValue { $0[route] ?? 0 } }

    var definition: ServiceDefinition {
        let (target, seen, answers, released) = (self.target, self.seen, self.answers, self.released)
        let (forwarded, held) = (self.forwarded, self.held)
        return ServiceDefinition(
            name: "relay",
            defaultPort: 0,
            addRoutes: { routes in
                for (method, path) in forwarded {
                    routes.on(method, path, summary: "Forwarded.", responses: [.ok: "The real answer."]) { request, _ in
                        seen.withLockedValue { $0["\(method) \(path)", default: 0] += 1 }
                        var outbound = HTTPClientRequest(url: target + request.uri.path)
                        outbound.method = .init(rawValue: method.rawValue)
                        for name in [HTTPField.Name.contentType, .authorization, .idempotencyKey] {
                            if let value = request.headers[name] { outbound.headers.add(name: name.rawName, value: value) }
                        }
                        outbound.body = .bytes(try await request.body.collect(upTo: 1 << 20))
                        let response = try await HTTPClient.shared.execute(outbound, timeout: .seconds(60))
                        let body = try await response.body.collect(upTo: 16 << 20)
                        answers.withLockedValue { $0["\(method) \(path)", default: []].append(String(buffer: body)) }
                        return Response(
                            status: .init(code: Int(response.status.code)),
                            headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: body)
                        )
                    }
                }
                for (method, path) in held {
                    routes.on(method, path, summary: "Held until released.", responses: [.serviceUnavailable: "Released."]) { _, _ in
                        seen.withLockedValue { $0["\(method) \(path)", default: 0] += 1 }
                        while !released.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
                        return Response(status: .serviceUnavailable)
                    }
                }
            }
        )
    }

    /// Runs the stand-in for `body`, releasing what it holds before it stops.
    func with(_ body: @Sendable (RunningService) async throws -> Void) async throws {
        let released = self.released
        try await RunningService.with(definition, settings: ["REQUEST_TIMEOUT_SECONDS": "300"]) { relay in
            do {
                try await body(relay)
            } catch {
                released.withLockedValue { $0 = true }
                throw error
            }
            released.withLockedValue { $0 = true }
        }
    }
}

/// One Server-Sent Event as a test reads it.
struct ReadEvent: Sendable {
    let id: String
    let event: String
    let data: String

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]) ?? [:] }
}

/// Reads `text/event-stream` responses as they arrive.
enum EventReader {
    /// Sends the request and reads events until `stop` accepts one (that one is the last
    /// read), `limit` are read, `heartbeatLimit` heartbeat comments came, or the stream ends; then drops the connection. Gives up after `timeout`.
    static func read(
        _ url: String,
        method: HTTPRequest.Method = .get,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        limit: Int? = nil,
        heartbeatLimit: Int? = nil,
        timeout: Duration = .seconds(120),
        stop: @escaping @Sendable (ReadEvent) -> Bool = { _ in false }
    ) async throws -> (status: Int, events: [ReadEvent], heartbeats: Int) {
        try await withThrowingTaskGroup(of: (status: Int, events: [ReadEvent], heartbeats: Int)?.self) { group in
            group.addTask {
                var request = HTTPClientRequest(url: url)
                request.method = .init(rawValue: method.rawValue)
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
                guard response.status.code == 200 else {
                    _ = try await response.body.collect(upTo: 1 << 20)
                    return (Int(response.status.code), [], 0)
                }
                var buffer = ""
                var events: [ReadEvent] = []
                var heartbeats = 0
                for try await chunk in response.body {
                    buffer += String(buffer: chunk)
                    while let end = buffer.range(of: "\n\n") {
                        let block = String(buffer[..<end.lowerBound])
                        buffer.removeSubrange(..<end.upperBound)
                        if block.hasPrefix(":") {
                            heartbeats += 1
                            if heartbeats == heartbeatLimit { return (200, events, heartbeats) }
                            continue
                        }
                        var fields: [String: String] = [:]
                        for line in block.split(separator: "\n") {
                            guard let colon = line.firstIndex(of: ":") else { continue }
                            fields[String(line[..<colon])] = String(line[line.index(after: colon)...].drop { $0 == " " })
                        }
                        guard let id = fields["id"], let name = fields["event"], let data = fields["data"] else { continue }
                        let event = ReadEvent(id: id, event: name, data: data)
                        events.append(event)
                        if stop(event) || events.count == limit { return (200, events, heartbeats) }
                    }
                }
                return (200, events, heartbeats)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            guard let result = try await group.next(), let result else {
                throw CommandFailure(command: "read events from \(url)", output: "no end within \(timeout)")
            }
            group.cancelAll()
            return result
        }
    }

    static func isTerminal(_ event: ReadEvent) -> Bool {
        ["run.completed", "run.failed", "run.cancelled"].contains(event.event)
    }
}

extension RunningService {
    static let jsonHeaders = [("Content-Type", "application/json")]

    /// Starts a conversation; its id.
    func conversation() async throws -> String {
        let created = try await send(.POST, "/v1/conversations", headers: Self.jsonHeaders, body: #"{"title":"ops"}"#)
        #expect(created.status == 201, "\(created.body)")
        return try #require(try created.json["id"] as? String)
    }

    /// Sends a turn and returns its run id.
    func turn(_ conversation: String, _ text: String) async throws -> String {
        let accepted = try await send(
            .POST,
            "/v1/conversations/\(conversation)/messages",
            headers: Self.jsonHeaders + [("Idempotency-Key", UUID().uuidString)],
            body: #"{"text":"\#(text)"}"#
        )
        #expect(accepted.status == 202, "\(accepted.body)")
        return try #require(try accepted.json["run_id"] as? String)
    }

    /// Polls `GET /v1/runs/{id}` until its status is `status`.
    func waitForRun(_ id: String, status: String, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
        try await pollRun(at: baseURL, id, status: status, timeout: timeout)
    }
}

/// Polls the agent at `baseURL` (`GET /v1/runs/{id}`) until the run's status is `status`.
func pollRun(at baseURL: String, _ id: String, status: String, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
    let deadline = ContinuousClock.now + timeout
    var last: [String: Any] = [:]
    while ContinuousClock.now < deadline {
        last = try await TestHTTPResponse.send(.GET, baseURL + "/v1/runs/\(id)").json
        if last["status"] as? String == status { return last }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw CommandFailure(command: "wait for run \(id) to be \(status)", output: "\(last)")
}

/// `POST url` with a JSON body.
func postJSON(_ url: String, _ body: String) async throws -> TestHTTPResponse {
    try await TestHTTPResponse.send(.POST, url, headers: RunningService.jsonHeaders, body: .bytes(ByteBuffer(string: body)))
}

/// The nodes of a run's steps, in order.
func stepNodes(_ run: [String: Any]) -> [String] {
    (run["steps"] as? [[String: Any]] ?? []).compactMap { $0["node"] as? String }
}
