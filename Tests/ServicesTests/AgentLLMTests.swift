import AgentService
import Foundation
import ServiceKit
import TestSupport
import Testing

/// llm mode against the OpenAI-compatible stand-in on loopback: the model's tool calls lead
/// to the graph's nodes, its text streams as tokens, a failing model hands the turn to the
/// rule graph, and the conversation's recent turns (cached in Redis) reach it as history.
extension AgentTests {
    /// An agent of `stack` in llm mode, its model `model` of the stand-in at `provider`.
    static func llmSettings(
        _ stack: AgentStack,
        provider: RunningService,
        model: String = "agent",
        _ extra: [String: String] = [:]
    ) throws
        -> [String: String]
    {
        try stack.agentSettings(
            [
                "AGENT_MODE": "llm", "OPENAI_BASE_URL": provider.baseURL + "/v1", "OPENAI_CHAT_MODEL": model, "TIMEOUT_OPENAI_SECONDS": "1",
                "RETRY_MAX_ATTEMPTS": "1",
            ].merging(extra) { $1 }
        )
    }

    /// The chat requests the stand-in received, decoded.
    static func chatRequests(_ stand: OpenAIStandIn) throws -> [[String: Any]] {
        try stand.chatBodies.withLockedValue { $0 }.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    /// The (role, content) of a request's messages.
    static func messages(_ request: [String: Any]) -> [(role: String, content: String)] {
        (request["messages"] as? [[String: Any]] ?? []).map { ($0["role"] as? String ?? "", $0["content"] as? String ?? "") }
    }

    @Test func llmModeWithoutAModelStopsStartUpNamingAgentMode() async throws {
        let error = await #expect(throws: ConfigError.self) {
            try await RunningService.with(AgentService.definition, settings: ["AGENT_MODE": "llm"]) { _ in }
        }
        #expect(error?.name == "AGENT_MODE")
        await #expect(throws: ConfigError.self) {
            try await RunningService.with(AgentService.definition, settings: ["AGENT_MODE": "graph"]) { _ in }
        }
    }

    @Test func aPageOncallToolCallAwaitsApprovalAndDeliversOnceWithoutAskingTheModelAgain() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { provider in
            try await AgentStack.with([.integrations]) { stack in
                let settings = try Self.llmSettings(stack, provider: provider)
                try await RunningService.with(AgentService.definition, settings: settings, waitForReady: true) { agent in
                    try await RunningService.with(AgentService.definition, settings: settings, waitForReady: true) { other in
                        let run = try await agent.turn(try await agent.conversation(), Self.page)
                        let proposed = try await EventReader.read(agent.baseURL + "/v1/runs/\(run)/events") { $0.event == "approval.required" }
                        let names = proposed.events.map(\.event)
                        let call = try #require(proposed.events.first { $0.event == "tool.call" }, "\(names)")
                        #expect(call.json["tool"] as? String == "page_oncall")
                        #expect((call.json["arguments"] as? [String: Any])?["message"] as? String == Self.page)
                        #expect(!names.contains("intent"), "nlu is not asked: \(names)")
                        let action = try #require(proposed.events.first { $0.event == "tool.proposed" }?.json["action"] as? [String: Any])
                        #expect(action["provider"] as? String == "pagerduty" && action["message"] as? String == Self.page, "\(action)")
                        let waiting = try await agent.send(.GET, "/v1/runs/\(run)").json
                        #expect(stepNodes(waiting) == ["plan", "propose_action", "await_approval"])
                        #expect(waiting["intent"] as? String == "page_oncall")
                        #expect(stack.receivers.pagerduty.withLockedValue { $0.count } == 0, "nothing is sent before approval")

                        // Another replica carries the run on from its checkpoint: the plan is not made again.
                        let approval = try await other.send(.POST, "/v1/runs/\(run)/approve", headers: RunningService.jsonHeaders, body: "{}")
                        #expect(approval.status == 202)
                        let done = try await other.waitForRun(run, status: "completed")
                        #expect(stepNodes(done) == ["plan", "propose_action", "await_approval", "await_approval", "act", "respond"])
                        #expect((done["action_result"] as? [String: Any])?["status"] as? String == "delivered", "\(done)")
                        #expect(done["degraded"] as? Bool == false)
                        try await Task.sleep(for: .milliseconds(500))
                        #expect(stack.receivers.pagerduty.withLockedValue { $0.count } == 1)
                        #expect(stand.hits.withLockedValue { $0 } == 1, "the model was asked once")
                    }
                }
            }
        }
    }

    @Test func aQuestionIsSearchedThenTheModelsAnswerStreamsInOrderAndIsStored() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { provider in
            try await AgentStack.with([.documents]) { stack in
                let item = try await stack.index(markdown: Self.checklist, title: "Release checklist")
                try await RunningService.with(AgentService.definition, settings: try Self.llmSettings(stack, provider: provider), waitForReady: true)
                {
                    agent in
                    let conversation = try await agent.conversation()
                    let streamed = try await EventReader.read(
                        agent.baseURL + "/v1/conversations/\(conversation)/messages",
                        method: .post,
                        headers: RunningService.jsonHeaders + [("Accept", "text/event-stream"), ("Idempotency-Key", UUID().uuidString)],
                        body: Array(#"{"text":"\#(Self.question)"}"#.utf8),
                        stop: EventReader.isTerminal
                    )
                    let names = streamed.events.map(\.event)
                    #expect(names.last == "run.completed", "\(names)")
                    let call = try #require(streamed.events.first { $0.event == "tool.call" }, "\(names)")
                    #expect(call.json["tool"] as? String == "search_documents")
                    let retrieved = try #require(streamed.events.first { $0.event == "retrieval" }?.json["citations"] as? [[String: Any]])
                    #expect(retrieved.contains { $0["item_id"] as? String == item })

                    // The passages went back to the model as the tool's result.
                    let requests = try Self.chatRequests(stand)
                    #expect(requests.count == 2)
                    let answered = try #require(requests.last)
                    let result = try #require(Self.messages(answered).last)
                    #expect(result.role == "tool" && result.content.contains("[1]"), "\(result)")

                    let tokens = streamed.events.filter { $0.event == "token" }.compactMap { $0.json["text"] as? String }
                    let sent = try #require(stand.streamedPieces.withLockedValue { $0.last })
                    #expect(sent.count > 1 && tokens == sent, "\(tokens) vs \(sent)")
                    let message = try #require(streamed.events.first { $0.event == "message" }?.json)
                    #expect(message["text"] as? String == sent.joined())
                    #expect((message["text"] as? String)?.hasPrefix("From the documents: ") == true)
                    #expect((message["citations"] as? [[String: Any]])?.contains { $0["item_id"] as? String == item } == true)
                    let (lastToken, messageAt) = (try #require(names.lastIndex(of: "token")), try #require(names.firstIndex(of: "message")))
                    #expect(lastToken < messageAt)

                    let stored = try await agent.send(.GET, "/v1/conversations/\(conversation)").json["messages"] as? [[String: Any]]
                    #expect(stored?.map { $0["text"] as? String } == [Self.question, sent.joined()])
                    let runID = try #require(message["run_id"] as? String)
                    let run = try await agent.send(.GET, "/v1/runs/\(runID)").json
                    #expect(stepNodes(run) == ["plan", "retrieve", "plan", "respond"])
                    #expect(run["intent"] as? String == "ask_question" && run["degraded"] as? Bool == false)
                }
            }
        }
    }

    @Test func aFailingModelHandsTheTurnToTheRuleGraphDegraded() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { provider in
            try await AgentStack.with([.nlu]) { stack in
                let failures = [
                    ("broken", "500"), ("hang", "no answer within"), ("malformed", "not a JSON object"),
                    ("unknown_tool", "launch_rockets, which is not one of its tools"), ("tools", "search_documents needs query"),
                ]
                for (model, reason) in failures {
                    try await RunningService.with(
                        AgentService.definition,
                        settings: try Self.llmSettings(stack, provider: provider, model: model),
                        waitForReady: true
                    ) { agent in
                        let started = ContinuousClock.now
                        let run = try await agent.turn(try await agent.conversation(), "hello there")
                        let events = try await EventReader.read(agent.baseURL + "/v1/runs/\(run)/events", stop: EventReader.isTerminal).events
                        let names = events.map(\.event)
                        let fallback = try #require(events.first { $0.event == "fallback" }, "\(model): \(names)")
                        #expect((fallback.json["reason"] as? String)?.contains(reason) == true, "\(model): \(fallback.data)")
                        #expect(names.contains("intent"), "the rule graph understood it: \(model): \(names)")
                        #expect(events.last?.event == "run.completed" && events.last?.json["degraded"] as? Bool == true, "\(model): \(names)")
                        let done = try await agent.send(.GET, "/v1/runs/\(run)").json
                        #expect(done["degraded"] as? Bool == true, "\(model)")
                        #expect(stepNodes(done) == ["plan", "understand", "reply", "respond"], "\(model): \(done)")
                        let planStep = (done["steps"] as? [[String: Any]])?.first
                        #expect(planStep?["degraded"] as? Bool == true && (planStep?["reason"] as? String)?.contains(reason) == true, "\(model)")
                        let reply = try #require(done["reply"] as? String)
                        #expect(!OpenAIStandIn.replyPieces.joined().contains(reply) && reply.contains("I can answer questions"), "\(model): \(reply)")
                        #expect(ContinuousClock.now - started < .seconds(20), "\(model)")
                    }
                }
            }
        }
    }

    @Test func recentTurnsGoToTheModelFromRedisAndFromPostgresOnAMissOrWithRedisDown() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { provider in
            try await AgentStack.with([]) { stack in
                let settings = try Self.llmSettings(stack, provider: provider, ["AGENT_STATE_TTL_SECONDS": "120"])
                try await RunningService.with(AgentService.definition, settings: settings, waitForReady: true) { agent in
                    let conversation = try await agent.conversation()
                    let key = "agent:conversation:\(conversation):turns"
                    let reply = OpenAIStandIn.replyPieces.joined()
                    func turn(_ text: String) async throws -> [(role: String, content: String)] {
                        let run = try await agent.turn(conversation, text)
                        _ = try await agent.waitForRun(run, status: "completed")
                        return Self.messages(try #require(try Self.chatRequests(stand).last))
                    }
                    func cached() async throws -> [String] {
                        try await stack.redis.cli(["ZRANGEBYSCORE", key, "0", "+inf"]).split(whereSeparator: \.isNewline).map(String.init)
                    }

                    // The first turn: no history; afterwards the cache holds the turn and the reply, with the TTL.
                    #expect(try await turn("hello there").map(\.role) == ["system", "user"])
                    let first = try await cached()
                    #expect(first.count == 2 && first[0].contains("hello there") && first[1].contains(reply), "\(first)")
                    let ttl = Int(try await stack.redis.cli(["TTL", key]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
                    #expect((1...120).contains(ttl), "\(ttl)")

                    // What the model sees comes from the cache: a reply edited there is what it gets.
                    let edited = first[1].replacingOccurrences(of: reply, with: "cached reply")
                    let score = try #require(first[1].firstMatch(of: #/"seq":(\d+)/#)?.1)
                    _ = try await stack.redis.cli(["ZREM", key, first[1]])
                    _ = try await stack.redis.cli(["ZADD", key, String(score), edited])
                    let second = try await turn("and what else")
                    #expect(second.map(\.content) == [second[0].content, "hello there", "cached reply", "and what else"], "\(second)")
                    #expect(second.map(\.role) == ["system", "user", "assistant", "user"])
                    // The new turn and its reply were added to the cached set in place.
                    let updated = try await cached()
                    #expect(updated.count == 4 && updated[2].contains("and what else") && updated[3].contains(reply), "\(updated)")

                    // A miss (the set expired) reads PostgreSQL, the source of truth.
                    _ = try await stack.redis.cli(["DEL", key])
                    let third = try await turn("one more")
                    #expect(third.dropFirst().map(\.content) == ["hello there", reply, "and what else", reply, "one more"], "\(third)")
                    #expect(try await cached().count == 6, "filled again")

                    // Redis down: the turns still come from PostgreSQL.
                    await stack.redis.kill()
                    let fourth = try await turn("last one")
                    #expect(fourth.dropFirst().map(\.content) == ["hello there", reply, "and what else", reply, "one more", reply, "last one"])
                }
            }
        }
    }
}
