import AgentService
import Foundation
import NLUService
import RAGService
import ServiceKit
import TestSupport
import Testing

/// agent end to end over real services: nlu with its default model and rag with the real
/// MiniLM model, ingestion, integrations delivering to a PagerDuty stand-in on loopback, a
/// real PostgreSQL and a private Redis. Replicas that die are agent processes killed with
/// SIGKILL. Serialized: each test runs several model-backed services on a 2-core machine.
@Suite(.serialized) struct AgentTests {
    static let checklist = """
        # Release checklist

        Before a release, the on-call engineer freezes the main branch and tags the build.

        ## Rollback

        If error rates climb after a deploy, revert to the previous tag with the zanzibar-rollback tool and post in the incident channel.
        """
    static let question = "What does the release checklist say about rollback?"
    static let page = "page the on-call team about the database outage"

    @Test func aQuestionAboutAnIndexedDocumentStreamsIntentRetrievalAndACitedMessage() async throws {
        try await AgentStack.with([.documents, .nlu]) { stack in
            let item = try await stack.index(markdown: Self.checklist, title: "Release checklist")
            try await RunningService.with(AgentService.definition, settings: try stack.agentSettings(), waitForReady: true) { agent in
                let conversation = try await agent.conversation()
                let streamingHeaders = [
                    ("Content-Type", "application/json"), ("Accept", "text/event-stream"), ("Idempotency-Key", UUID().uuidString),
                ]
                let streamed = try await EventReader.read(
                    agent.baseURL + "/v1/conversations/\(conversation)/messages",
                    method: .post,
                    headers: streamingHeaders,
                    body: Array(#"{"text":"\#(Self.question)"}"#.utf8),
                    stop: EventReader.isTerminal
                )
                #expect(streamed.status == 200)
                let names = streamed.events.map(\.event)
                #expect(names.last == "run.completed", "\(names)")
                let intent = try #require(streamed.events.first { $0.event == "intent" })
                #expect(intent.json["intent"] as? String == "ask_question", "\(intent.data)")
                let (intentAt, retrievalAt, messageAt) = (
                    names.firstIndex(of: "intent"), names.firstIndex(of: "retrieval"), names.firstIndex(of: "message")
                )
                #expect(
                    intentAt != nil && retrievalAt != nil && messageAt != nil && intentAt! < retrievalAt! && retrievalAt! < messageAt!,
                    "\(names)"
                )
                let retrieved = try #require(streamed.events.first { $0.event == "retrieval" }?.json["citations"] as? [[String: Any]])
                #expect(retrieved.contains { $0["item_id"] as? String == item })
                let message = try #require(streamed.events.first { $0.event == "message" }?.json)
                let cited = try #require(message["citations"] as? [[String: Any]])
                #expect(cited.contains { $0["item_id"] as? String == item && $0["title"] as? String == "Release checklist" }, "\(message)")
                #expect((message["text"] as? String)?.contains("zanzibar-rollback") == true, "\(message)")
                let tokens = streamed.events.filter { $0.event == "token" }.compactMap { $0.json["text"] as? String }
                #expect(tokens.count > 1 && tokens.joined() == message["text"] as? String)
                let runID = try #require(message["run_id"] as? String)
                for event in streamed.events {
                    #expect(event.json["run_id"] as? String == runID && event.json["conversation_id"] as? String == conversation, "\(event)")
                }

                let stored = try await agent.send(.GET, "/v1/conversations/\(conversation)").json
                let messages = try #require(stored["messages"] as? [[String: Any]])
                #expect(messages.map { $0["role"] as? String } == ["user", "assistant"])
                #expect(messages.first?["text"] as? String == Self.question)
                #expect(messages.last?["text"] as? String == message["text"] as? String)
                #expect((messages.last?["citations"] as? [[String: Any]])?.contains { $0["item_id"] as? String == item } == true)

                // The same request again starts no second run: it is sent (303) to the first run's events.
                let repeated = try await agent.send(
                    .POST,
                    "/v1/conversations/\(conversation)/messages",
                    headers: streamingHeaders,
                    body: #"{"text":"\#(Self.question)"}"#
                )
                #expect(
                    repeated.status == 200 && repeated.body.contains(#""run_id":"\#(runID)""#) && repeated.body.contains("event: run.completed"),
                    "\(repeated.status) \(repeated.body.prefix(300))"
                )
                #expect((try await agent.send(.GET, "/v1/conversations/\(conversation)").json["messages"] as? [Any])?.count == 2)

                let run = try await agent.send(.GET, "/v1/runs/\(runID)").json
                #expect(run["status"] as? String == "completed")
                #expect(stepNodes(run) == ["understand", "retrieve", "answer", "respond"])
                let metrics = try await agent.metricSamples()
                #expect(metrics[#"agent_runs_total{status="completed"}"#] == 1)
                #expect(metrics.keys.contains { $0.hasPrefix("agent_node_duration_seconds_count") && $0.contains(#"node="retrieve""#) })
            }
        }
    }

    @Test func pagingTheOnCallWaitsForApprovalThenDeliversOnceAndARejectionSendsNothing() async throws {
        try await AgentStack.with([.nlu, .integrations]) { stack in
            try await RunningService.with(AgentService.definition, settings: try stack.agentSettings(), waitForReady: true) { agent in
                let conversation = try await agent.conversation()
                let approved = try await agent.turn(conversation, Self.page)
                let proposed = try await EventReader.read(agent.baseURL + "/v1/runs/\(approved)/events") { $0.event == "approval.required" }
                let action = try #require(
                    proposed.events.first { $0.event == "tool.proposed" }?.json["action"] as? [String: Any],
                    "\(proposed.events.map(\.event))"
                )
                #expect(action["provider"] as? String == "pagerduty" && action["tool"] as? String == "page_oncall")
                let waiting = try await agent.send(.GET, "/v1/runs/\(approved)").json
                #expect(waiting["status"] as? String == "awaiting_approval")
                #expect(waiting["current_node"] as? String == "await_approval")
                #expect(stack.receivers.pagerduty.withLockedValue { $0.count } == 0, "nothing is sent before approval")

                #expect(try await agent.send(.POST, "/v1/runs/\(approved)/approve", headers: RunningService.jsonHeaders, body: "{}").status == 202)
                let rest = try await EventReader.read(
                    agent.baseURL + "/v1/runs/\(approved)/events",
                    headers: [("Last-Event-ID", try #require(proposed.events.last?.id))],
                    stop: EventReader.isTerminal
                )
                let result = try #require(
                    rest.events.first { $0.event == "tool.result" }?.json["result"] as? [String: Any],
                    "\(rest.events.map(\.event))"
                )
                #expect(result["status"] as? String == "delivered", "\(result)")
                #expect(rest.events.last?.event == "run.completed")
                try await Task.sleep(for: .milliseconds(500))
                let pages = stack.receivers.pagerduty.withLockedValue { $0 }
                #expect(pages.count == 1, "\(pages)")
                #expect(pages.first?.dedupKey == result["delivery_id"] as? String)
                #expect(pages.first?.summary.contains("database outage") == true)
                #expect(try await agent.send(.POST, "/v1/runs/\(approved)/approve", headers: RunningService.jsonHeaders, body: "{}").status == 409)

                let rejected = try await agent.turn(conversation, Self.page)
                _ = try await agent.waitForRun(rejected, status: "awaiting_approval")
                #expect(try await agent.send(.POST, "/v1/runs/\(rejected)/reject").status == 202)
                let done = try await agent.waitForRun(rejected, status: "completed")
                #expect(done["approval"] as? String == "rejected")
                #expect(done["action_result"] == nil)
                #expect((done["reply"] as? String)?.contains("won't") == true, "\(done)")
                try await Task.sleep(for: .seconds(1))
                #expect(stack.receivers.pagerduty.withLockedValue { $0.count } == 1, "a rejected action is never sent")
            }
        }
    }

    @Test func eventsResumeWithLastEventIDOnAnotherInstanceWithoutDuplicatesOrGaps() async throws {
        try await AgentStack.with([.nlu]) { stack in
            let settings = try stack.agentSettings()
            try await RunningService.with(AgentService.definition, settings: settings, waitForReady: true) { first in
                try await RunningService.with(
                    AgentService.definition,
                    settings: settings.merging(["AGENT_SSE_MAX_STREAMS": "1"]) { $1 },
                    waitForReady: true
                ) { second in
                    let run = try await first.turn(try await first.conversation(), "hello there")
                    // Three events, then the connection is dropped.
                    let read = try await EventReader.read(first.baseURL + "/v1/runs/\(run)/events", limit: 3).events
                    #expect(read.count == 3)
                    let rest = try await EventReader.read(
                        second.baseURL + "/v1/runs/\(run)/events",
                        headers: [("Last-Event-ID", read[2].id)],
                        stop: EventReader.isTerminal
                    )
                    let whole = try await EventReader.read(second.baseURL + "/v1/runs/\(run)/events", stop: EventReader.isTerminal)
                    #expect((read + rest.events).map(\.id) == whole.events.map(\.id))
                    #expect(Set(whole.events.map(\.id)).count == whole.events.count)
                    #expect(whole.events.first?.event == "run.started" && whole.events.last?.event == "run.completed", "\(whole.events.map(\.event))")
                    #expect(whole.events.contains { $0.event == "message" })

                    // A run waiting for approval keeps its stream open with heartbeats; past the
                    // second replica's one open stream, another is refused with 503 and Retry-After.
                    let waiting = try await first.turn(try await first.conversation(), Self.page)
                    _ = try await first.waitForRun(waiting, status: "awaiting_approval")
                    let open = Task {
                        try await EventReader.read(second.baseURL + "/v1/runs/\(waiting)/events", heartbeatLimit: 2, timeout: .seconds(30))
                    }
                    try await second.waitForMetric("agent_sse_streams", toBe: 1)
                    let refused = try await second.send(.GET, "/v1/runs/\(waiting)/events")
                    #expect(refused.status == 503)
                    #expect(refused.header("Retry-After") != nil)
                    let held = try await open.value
                    #expect(
                        held.heartbeats == 2 && held.events.contains { $0.event == "approval.required" }
                            && !held.events.contains(where: EventReader.isTerminal),
                        "\(held.events.map(\.event))"
                    )
                }
            }
        }
    }
}
