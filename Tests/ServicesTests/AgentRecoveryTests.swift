import AgentService
import Foundation
import NLUService
import RAGService
import ServiceKit
import TestSupport
import Testing

/// Runs outliving their replica, dependencies that are down, and bad input.
extension AgentTests {
    /// An agent replica as a process of its own, so it can die as replicas do (SIGKILL).
    static func agentProcess(_ settings: [String: String]) async throws -> ServiceProcess {
        let process = try ServiceProcess("agent", environment: settings)
        try await process.waitUntilListening()
        let deadline = ContinuousClock.now + .seconds(30)
        while try await process.send("/ready").status != 200 {
            guard ContinuousClock.now < deadline else { throw CommandFailure(command: "agent", output: process.child.output) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return process
    }

    static func kill(_ process: ServiceProcess) async {
        process.child.signal(SIGKILL)
        _ = await process.child.waitForExit(timeout: .seconds(10))
    }

    @Test func aRunWhoseReplicaDiedAfterRetrieveIsCompletedByAnotherFromItsCheckpoint() async throws {
        try await AgentStack.with([.documents, .nlu]) { stack in
            let item = try await stack.index(markdown: Self.checklist, title: "Release checklist")
            let rag = try #require(stack.rag)
            // The first replica reaches rag through a relay that answers searches and holds answers:
            // it dies inside `answer`, with the checkpoint after `retrieve` written.
            let relay = RelayStandIn(target: rag.baseURL, forwarded: [(.post, "/v1/search")], held: [(.post, "/v1/answer")])
            try await relay.with { relayed in
                let first = try await Self.agentProcess(try stack.agentSettings(["RAG_URL": relayed.baseURL]))
                let conversation = try #require(try await postJSON(first.baseURL + "/v1/conversations", "{}").json["id"] as? String)
                let started = try await postJSON(first.baseURL + "/v1/conversations/\(conversation)/messages", #"{"text":"\#(Self.question)"}"#)
                #expect(started.status == 202, "\(started.body)")
                let runID = try #require(try started.json["run_id"] as? String)
                let deadline = ContinuousClock.now + .seconds(60)
                while relay.count("POST /v1/answer") == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                #expect(relay.count("POST /v1/answer") == 1)
                let checkpointed = try await TestHTTPResponse.send(.GET, first.baseURL + "/v1/runs/\(runID)").json
                #expect(stepNodes(checkpointed) == ["understand", "retrieve"])
                #expect(checkpointed["current_node"] as? String == "answer")
                await Self.kill(first)

                try await RunningService.with(AgentService.definition, settings: try stack.agentSettings(), waitForReady: true) { second in
                    let run = try await second.waitForRun(runID, status: "completed", timeout: .seconds(60))
                    #expect(stepNodes(run) == ["understand", "retrieve", "answer", "respond"])
                    #expect((run["steps"] as? [[String: Any]])?.compactMap { $0["step"] as? Int } == [1, 2, 3, 4])
                    #expect(relay.count("POST /v1/search") == 1, "retrieve was not done again")
                    let events = try await EventReader.read(second.baseURL + "/v1/runs/\(runID)/events", stop: EventReader.isTerminal).events
                    #expect(events.filter { $0.event == "retrieval" }.count == 1)
                    #expect(
                        events.filter { $0.event == "node.started" && $0.json["node"] as? String == "answer" }.count == 2,
                        "started on the dead replica, then again"
                    )
                    let message = try #require(events.first { $0.event == "message" }?.json)
                    #expect((message["citations"] as? [[String: Any]])?.contains { $0["item_id"] as? String == item } == true, "\(message)")
                    let messages = try #require(try await second.send(.GET, "/v1/conversations/\(conversation)").json["messages"] as? [[String: Any]])
                    #expect(messages.map { $0["role"] as? String } == ["user", "assistant"])
                }
            }
        }
    }

    @Test func anApprovedActionIsDeliveredOnceWhenItsReplicaDiesBetweenActAndItsCheckpoint() async throws {
        try await AgentStack.with([.nlu, .integrations]) { stack in
            let integrations = try #require(stack.integrations)
            // The first replica's delivery goes through; following it hangs, so it dies inside `act`.
            let relay = RelayStandIn(target: integrations.baseURL, forwarded: [(.post, "/v1/deliveries")], held: [(.get, "/v1/deliveries/{id}")])
            try await relay.with { relayed in
                let first = try await Self.agentProcess(try stack.agentSettings(["INTEGRATIONS_URL": relayed.baseURL]))
                let conversation = try #require(try await postJSON(first.baseURL + "/v1/conversations", "{}").json["id"] as? String)
                let started = try await postJSON(first.baseURL + "/v1/conversations/\(conversation)/messages", #"{"text":"\#(Self.page)"}"#)
                let runID = try #require(try started.json["run_id"] as? String, "\(started.body)")
                let waiting = try await pollRun(at: first.baseURL, runID, status: "awaiting_approval")
                #expect((waiting["action"] as? [String: Any])?["provider"] as? String == "pagerduty")
                let approve = try await postJSON(
                    first.baseURL + "/v1/runs/\(runID)/approve",
                    #"{"action":{"message":"Database outage: primary is down"}}"#
                )
                #expect(approve.status == 202, "\(approve.body)")
                let deadline = ContinuousClock.now + .seconds(60)
                while relay.count("GET /v1/deliveries/{id}") == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                #expect(relay.count("POST /v1/deliveries") == 1)
                let firstAnswer = try #require(relay.answers.withLockedValue { $0["POST /v1/deliveries"]?.first })
                let deliveryID = try #require(try JSONSerialization.jsonObject(with: Data(firstAnswer.utf8)) as? [String: Any])["id"] as? String
                await Self.kill(first)

                try await RunningService.with(AgentService.definition, settings: try stack.agentSettings(), waitForReady: true) { second in
                    let run = try await second.waitForRun(runID, status: "completed", timeout: .seconds(60))
                    let result = try #require(run["action_result"] as? [String: Any], "\(run)")
                    #expect(result["status"] as? String == "delivered", "\(result)")
                    #expect(result["delivery_id"] as? String == deliveryID, "the resumed step got the same delivery back")
                    #expect(stepNodes(run).filter { $0 == "act" }.count == 1)
                    try await Task.sleep(for: .seconds(1))
                    let pages = stack.receivers.pagerduty.withLockedValue { $0 }
                    #expect(pages.map(\.dedupKey) == [deliveryID], "\(pages)")
                    #expect(pages.first?.summary == "Database outage: primary is down", "the approved edit was sent")
                    let deliveries = try #require(try await integrations.send(.GET, "/v1/deliveries").json["deliveries"] as? [[String: Any]])
                    #expect(deliveries.count == 1)
                }
            }
        }
    }

    @Test func aStoppedNLUOrRAGDegradesItsStepAndTheTurnStillCompletesWithoutA5xx() async throws {
        try await AgentStack.with([.nlu]) { stack in
            // A real rag, started and stopped: its port no longer answers.
            let stoppedRAG = try await RunningService.with(RAGService.definition, settings: stack.shared) { $0.baseURL }
            let stoppedNLU = try await RunningService.with(NLUService.definition, settings: stack.shared) { $0.baseURL }
            // A service that is down costs its policy's whole budget (the HTTP client retries connecting until the attempt's deadline).
            let quick = ["TIMEOUT_NLU_SECONDS": "1", "TIMEOUT_RAG_SECONDS": "1", "PROVIDER_TOTAL_BUDGET_SECONDS": "3"]
            for (down, settings) in [("rag", quick.merging(["RAG_URL": stoppedRAG]) { $1 }), ("nlu", quick.merging(["NLU_URL": stoppedNLU]) { $1 })] {
                try await RunningService.with(AgentService.definition, settings: try stack.agentSettings(settings), waitForReady: true) { agent in
                    let conversation = try await agent.conversation()
                    let streamed = try await EventReader.read(
                        agent.baseURL + "/v1/conversations/\(conversation)/messages",
                        method: .post,
                        headers: [("Content-Type", "application/json"), ("Accept", "text/event-stream")],
                        body: Array(#"{"text":"\#(Self.question)"}"#.utf8),
                        stop: EventReader.isTerminal
                    )
                    #expect(streamed.status == 200)
                    #expect(streamed.events.last?.event == "run.completed", "\(streamed.events.map(\.event))")
                    let degraded = streamed.events.filter { $0.event == "node.finished" && $0.json["degraded"] as? Bool == true }
                    let node = down == "rag" ? "retrieve" : "understand"
                    #expect(degraded.map { $0.json["node"] as? String } == [node], "\(streamed.events.map(\.data))")
                    #expect((degraded.first?.json["reason"] as? String)?.hasPrefix(down == "rag" ? "rag search:" : "nlu:") == true)
                    let message = try #require(streamed.events.first { $0.event == "message" }?.json)
                    #expect((message["text"] as? String)?.contains("(\(down))") == true, "\(message)")
                    #expect(message["degraded"] as? Bool == true)
                    let run = try await agent.send(.GET, "/v1/runs/\(try #require(message["run_id"] as? String))").json
                    #expect((run["steps"] as? [[String: Any]])?.first { $0["node"] as? String == node }?["degraded"] as? Bool == true)
                    let metrics = try await agent.metricSamples()
                    #expect(
                        metrics.filter {
                            $0.key.hasPrefix("agent_http_requests_total") && $0.key.contains(#"path="/v1/"#) && $0.key.contains(#"status="5"#)
                        }.isEmpty
                    )
                }
            }
        }
    }

    func fields(_ response: TestHTTPResponse) throws -> [String] {
        #expect(response.header("Content-Type") == "application/problem+json", "\(response.status) \(response.body)")
        return (try response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }

    @Test func badInputIsAProblemNamingTheFieldUnknownIdsAre404AndDecidingAnEndedRunIs409() async throws {
        try await AgentStack.with([]) { stack in
            let quick = ["TIMEOUT_NLU_SECONDS": "1", "PROVIDER_TOTAL_BUDGET_SECONDS": "3"]
            try await RunningService.with(AgentService.definition, settings: try stack.agentSettings(quick), waitForReady: true) { agent in
                let json = RunningService.jsonHeaders
                for (body, field) in [
                    (#"{"title": 5}"#, "title"), (#"{"title": "  "}"#, "title"), (#"{"metadata": [1]}"#, "metadata"), ("{", "body"),
                ] {
                    let response = try await agent.send(.POST, "/v1/conversations", headers: json, body: body)
                    #expect(response.status == 422, "\(body)")
                    #expect(try fields(response) == [field], "\(body): \(response.body)")
                }
                #expect(try fields(try await agent.send(.GET, "/v1/conversations?limit=0&cursor=x")) == ["limit", "cursor"])
                let unknown = UUID().uuidString.lowercased()
                for path in ["/v1/conversations/\(unknown)", "/v1/conversations/not-an-id", "/v1/runs/\(unknown)", "/v1/runs/\(unknown)/events"] {
                    let response = try await agent.send(.GET, path)
                    #expect(response.status == 404, "\(path)")
                    #expect(response.header("Content-Type") == "application/problem+json")
                }
                #expect(try await agent.send(.DELETE, "/v1/conversations/\(unknown)").status == 404)
                for action in ["approve", "reject", "cancel"] {
                    #expect(try await agent.send(.POST, "/v1/runs/\(unknown)/\(action)").status == 404, "\(action)")
                }
                #expect(try await agent.send(.POST, "/v1/conversations/\(unknown)/messages", headers: json, body: #"{"text":"hello"}"#).status == 404)

                let conversation = try await agent.conversation()
                let long = String(repeating: "a", count: 4001)
                for body in [#"{"text": ""}"#, #"{"text": "   "}"#, "{}", #"{"text": 5}"#, #"{"text": "\#(long)"}"#] {
                    let response = try await agent.send(.POST, "/v1/conversations/\(conversation)/messages", headers: json, body: body)
                    #expect(response.status == 422, "\(body.prefix(40))")
                    #expect(try fields(response) == ["text"], "\(response.body)")
                }
                let empty = try await agent.send(.GET, "/v1/conversations/\(conversation)").json
                #expect((empty["messages"] as? [Any])?.isEmpty == true, "a refused turn stores nothing")
                #expect(try fields(try await agent.send(.GET, "/v1/conversations/\(conversation)?limit=501")) == ["limit"])

                // nlu is down here, so the turn completes (degraded) at once.
                let run = try await agent.turn(conversation, "hello")
                _ = try await agent.waitForRun(run, status: "completed")
                for action in ["approve", "reject", "cancel"] {
                    let response = try await agent.send(.POST, "/v1/runs/\(run)/\(action)")
                    #expect(response.status == 409, "\(action): \(response.body)")
                    #expect(response.header("Content-Type") == "application/problem+json")
                }
                let edited = try await agent.send(.POST, "/v1/runs/\(run)/approve", headers: json, body: #"{"action": {"target": "", "message": 3}}"#)
                #expect(edited.status == 422)
                // Every broken field in one answer: the empty target as well as the number for a message.
                #expect(try Set(fields(edited)) == ["action.message", "action.target"])
                let blank = try await agent.send(.POST, "/v1/runs/\(run)/approve", headers: json, body: #"{"action": {"target": " "}}"#)
                #expect(try fields(blank) == ["action.target"])

                let page = try await agent.send(.GET, "/v1/conversations?limit=1").json
                #expect((page["conversations"] as? [[String: Any]])?.count == 1)
                #expect(try await agent.send(.DELETE, "/v1/conversations/\(conversation)").status == 204)
                #expect(try await agent.send(.GET, "/v1/runs/\(run)").status == 404, "a deleted conversation takes its runs along")
            }
        }
    }
}
