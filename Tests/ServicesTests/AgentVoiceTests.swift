import ASRService
import AgentService
import Foundation
import ServiceKit
import TestSupport
import Testing

/// Voice turns end to end: flite's `slt` voice asks a question, the real asr (Whisper tiny.en)
/// transcribes it, and the agent answers it as a text turn over real nlu, rag and ingestion;
/// and what asr refuses (not audio, a truncated WAV), silence, and asr stopped, each leaving
/// the conversation as it was.
@Suite(.serialized) struct AgentVoiceTests {
    static func speech(_ text: String) async throws -> [UInt8] {
        Array(try Data(contentsOf: try await SpeechFixtures.speak(text, into: try SpeechFixtures.folder())))
    }

    @Test func aSpokenQuestionIsTranscribedFirstThenAnsweredWithACitation() async throws {
        let wav = try await Self.speech(AgentTests.question)
        try await AgentStack.with([.documents, .nlu, .asr]) { stack in
            let item = try await stack.index(markdown: AgentTests.checklist, title: "Release checklist")
            try await RunningService.with(AgentService.definition, settings: try stack.agentSettings(), waitForReady: true) { agent in
                let conversation = try await agent.conversation()
                let streamed = try await EventReader.read(
                    agent.baseURL + "/v1/conversations/\(conversation)/audio",
                    method: .post,
                    headers: [("Content-Type", "audio/wav"), ("Accept", "text/event-stream"), ("Idempotency-Key", UUID().uuidString)],
                    body: wav,
                    stop: EventReader.isTerminal
                )
                #expect(streamed.status == 200)
                let names = streamed.events.map(\.event)
                #expect(names.first == "transcript" && names.last == "run.completed", "\(names)")
                let transcript = try #require(streamed.events.first?.json)
                let heard = try #require(transcript["text"] as? String)
                #expect(WordErrorRate.of(heard, reference: AgentTests.question) <= 0.25, "\(heard)")
                #expect((transcript["duration_seconds"] as? Double ?? 0) > 1)
                let transcriptID = try #require(transcript["transcript_id"] as? String)
                #expect(try await stack.asr!.send(.GET, "/v1/transcripts/\(transcriptID)").json["text"] as? String == heard)

                let intent = try #require(streamed.events.first { $0.event == "intent" })
                #expect(intent.json["intent"] as? String == "ask_question", "\(intent.data)")
                let message = try #require(streamed.events.first { $0.event == "message" }?.json)
                let cited = try #require(message["citations"] as? [[String: Any]])
                #expect(cited.contains { $0["item_id"] as? String == item }, "\(message)")
                #expect((message["text"] as? String)?.contains("zanzibar-rollback") == true, "\(message)")

                // The user's message in the conversation is what asr heard.
                let messages = try #require(try await agent.send(.GET, "/v1/conversations/\(conversation)").json["messages"] as? [[String: Any]])
                #expect(messages.map { $0["role"] as? String } == ["user", "assistant"])
                #expect(messages.first?["text"] as? String == heard)
            }
        }
    }

    @Test func notAudioSilenceAndAStoppedASRStoreNothing() async throws {
        let folder = try SpeechFixtures.folder()
        let silence = Array(
            try Data(contentsOf: try await SpeechFixtures.synthesise(3, ["sine", "0"], gain: -100, into: folder, name: "silence.wav"))
        )
        let wav = try await Self.speech("What does the release checklist say?")
        try await AgentStack.with([]) { stack in
            @Sendable func messages(_ agent: RunningService, _ conversation: String) async throws -> Int {
                (try await agent.send(.GET, "/v1/conversations/\(conversation)").json["messages"] as? [Any])?.count ?? -1
            }
            let (asrURL, conversation) = try await RunningService.with(
                ASRService.definition,
                settings: stack.shared.merging(["ASR_THREADS": "2"]) { $1 },
                waitForReady: true
            ) { asr in
                try await RunningService.with(
                    AgentService.definition,
                    settings: try stack.agentSettings(["ASR_URL": asr.baseURL]),
                    waitForReady: true
                ) { agent in
                    let conversation = try await agent.conversation()
                    let path = "/v1/conversations/\(conversation)/audio"
                    let text = try await agent.post(path, contentType: "text/plain", body: Array("not audio at all".utf8))
                    #expect(text.status == 415, "\(text.body)")
                    #expect(text.header("Content-Type") == "application/problem+json")
                    #expect(try (text.json["detail"] as? String)?.contains("audio") == true, "\(text.body)")

                    // A WAV cut short: its header claims more samples than it holds.
                    let truncated = try await agent.post(path, contentType: "audio/wav", body: Array(wav.prefix(2000)))
                    #expect(truncated.status == 422, "\(truncated.body)")
                    #expect(try (truncated.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "audio", "\(truncated.body)")

                    let quiet = try await agent.post(path, contentType: "audio/wav", body: silence)
                    #expect(quiet.status == 422, "\(quiet.body)")
                    let problem = try quiet.json
                    #expect(problem["type"] as? String == ProblemType.validation)
                    let error = try #require((problem["errors"] as? [[String: Any]])?.first)
                    #expect(error["field"] as? String == "audio" && error["message"] as? String == "no speech was heard", "\(problem)")
                    #expect(try await messages(agent, conversation) == 0)

                    // An unknown conversation is a 404 before any audio is sent.
                    #expect(try await agent.post("/v1/conversations/\(UUID().uuidString)/audio", contentType: "audio/wav", body: wav).status == 404)
                    return (asr.baseURL, conversation)
                }
            }
            // asr has stopped: 503 with Retry-After, and still nothing stored, no run started.
            let settings = try stack.agentSettings(["ASR_URL": asrURL, "TIMEOUT_ASR_SECONDS": "2", "RETRY_MAX_ATTEMPTS": "2"])
            try await RunningService.with(AgentService.definition, settings: settings, waitForReady: true) { agent in
                let down = try await agent.post("/v1/conversations/\(conversation)/audio", contentType: "audio/wav", body: wav)
                #expect(down.status == 503, "\(down.body)")
                #expect(down.header("Retry-After") != nil)
                #expect(try (down.json["detail"] as? String)?.contains("Speech recognition") == true, "\(down.body)")
                #expect(try await messages(agent, conversation) == 0)
                let runs = try await agent.metricSamples().filter { $0.key.hasPrefix("agent_runs_total") }.values.reduce(0, +)
                #expect(runs == 0)
            }
        }
    }
}
