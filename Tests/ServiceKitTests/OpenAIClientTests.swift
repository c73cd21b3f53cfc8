import Foundation
import ServiceKit
import ServiceKitHTTPClient
import TestSupport
import Testing

/// The OpenAI-compatible client against a stand-in server on loopback that speaks the wire format.
@Suite struct OpenAIClientTests {
    static let key = "sk-test-7f3a9c21b4e8d605"

    static func client(_ stand: RunningService, _ extra: [String: String] = [:]) throws -> OpenAIClient {
        let variables = [
            "OPENAI_API_KEY": key, "OPENAI_BASE_URL": stand.baseURL + "/v1", "OPENAI_CHAT_MODEL": "echo", "RETRY_BASE_SECONDS": "0.05",
            "SECRETS_DIR": "/nonexistent",
        ]
        return try #require(
            try OpenAIClient.make(config: Config(environment: variables.merging(extra) { _, new in new }), metrics: ServiceMetrics(service: "agent"))
        )
    }

    static let weather = ChatTool(
        name: "get_weather",
        description: "The weather in a city.",
        parameters: .object(["type": .string("object"), "properties": .object(["city": .object(["type": .string("string")])])])
    )

    @Test func aCompletionSendsTheConversationWithTheKeyAndReturnsTheAnswer() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { (server: RunningService) async throws in
            let completion = try await Self.client(server).complete(ChatRequest(messages: [.system("Be brief."), .user("ping")], maxTokens: 20))
            #expect(completion.content == "You said: ping")
            #expect(completion.finishReason == "stop")
            #expect(completion.usage?.totalTokens == 8)
            #expect(stand.authorizations.withLockedValue { $0 } == ["Bearer \(Self.key)"])
            let sent = try #require(stand.chatBodies.withLockedValue { $0.first })
            let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [String: Any])
            #expect(body["model"] as? String == "echo")
            #expect(body["max_tokens"] as? Int == 20)
            #expect(body["stream"] == nil)
            #expect((body["messages"] as? [[String: Any]])?.map { $0["role"] as? String } == ["system", "user"])
        }
    }

    @Test func aStreamedCompletionArrivesInOrderAndReassembles() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { (server: RunningService) async throws in
            let client = try Self.client(server)
            var pieces: [String] = []
            var finish: String?
            for try await delta in try await client.stream(ChatRequest(messages: [.user("hi")])) {
                if let content = delta.content { pieces.append(content) }
                finish = delta.finishReason ?? finish
            }
            #expect(pieces == OpenAIStandIn.echoPieces)
            #expect(finish == "stop")
            let sentBody = try #require(stand.chatBodies.withLockedValue { $0.first })
            let body = try #require(try JSONSerialization.jsonObject(with: Data(sentBody.utf8)) as? [String: Any])
            #expect(body["stream"] as? Bool == true)

            let whole = try await client.stream(ChatRequest(messages: [.user("hi")])).collect()
            #expect(whole.content == "Hello, world.")
            #expect(whole.toolCalls.isEmpty)
        }
    }

    @Test func aToolCallIsRequestedAndParsed() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { (server: RunningService) async throws in
            let completion = try await Self.client(server).complete(
                ChatRequest(messages: [.user("Weather in Paris?")], model: "tools", tools: [Self.weather], toolChoice: .auto)
            )
            #expect(completion.finishReason == "tool_calls")
            #expect(completion.content == nil)
            let call = try #require(completion.toolCalls.first)
            #expect(call.id == "call_1")
            #expect(call.name == "get_weather")
            #expect(call.parsedArguments == .object(["city": .string("Paris")]))
            let sentBody = try #require(stand.chatBodies.withLockedValue { $0.first })
            let body = try #require(try JSONSerialization.jsonObject(with: Data(sentBody.utf8)) as? [String: Any])
            #expect(body["tool_choice"] as? String == "auto")
            let tool = try #require((body["tools"] as? [[String: Any]])?.first)
            #expect(tool["type"] as? String == "function")
            #expect((tool["function"] as? [String: Any])?["name"] as? String == "get_weather")
            #expect(((tool["function"] as? [String: Any])?["parameters"] as? [String: Any])?["type"] as? String == "object")
        }
    }

    @Test func streamedToolCallsAreReassembledFromInterleavedFragments() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { (server: RunningService) async throws in
            let stream = try await Self.client(server).stream(
                ChatRequest(messages: [.user("Paris and Oslo?")], model: "tools", tools: [Self.weather])
            )
            let completion = try await stream.collect()
            #expect(completion.finishReason == "tool_calls")
            #expect(completion.toolCalls.map(\.id) == ["call_a", "call_b"])
            #expect(completion.toolCalls.map(\.name) == ["get_weather", "get_weather"])
            #expect(completion.toolCalls.map(\.function.arguments) == [#"{"city":"Paris"}"#, #"{"city":"Oslo"}"#])
        }
    }

    @Test func a429IsRetriedAfterItsRetryAfter() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { (server: RunningService) async throws in
            let client = try Self.client(server, ["OPENAI_CHAT_MODEL": "limited"])
            let start = ContinuousClock.now
            let completion = try await client.complete(ChatRequest(messages: [.user("again")]))
            #expect(ContinuousClock.now - start >= .milliseconds(950))
            #expect(completion.content == "You said: again")
            #expect(stand.hits.withLockedValue { $0 } == 2)
            #expect(client.policy.breaker.currentState == .closed)
        }
    }

    @Test func failuresOpenTheBreakerAndNeverQuoteTheKey() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { (server: RunningService) async throws in
            let client = try Self.client(server, ["OPENAI_CHAT_MODEL": "broken", "RETRY_MAX_ATTEMPTS": "1", "CB_MAX_FAILURES": "2"])
            for _ in 0..<2 {
                do {
                    _ = try await client.complete(ChatRequest(messages: [.user("x")]))
                    Issue.record("a 500 succeeded")
                } catch let error as OpenAIError {
                    #expect(error.kind == .unavailable)
                    #expect(error.status == 500)
                    #expect(error.description.contains("upstream failed"), "\(error)")
                    #expect(!error.description.contains(Self.key), "\(error)")
                    #expect(!String(reflecting: error).contains(Self.key))
                }
            }
            #expect(client.policy.breaker.currentState == .open)
            // Open: refused without a call, still a provider failure to fall back on.
            await #expect(throws: OpenAIError.self) { try await client.stream(ChatRequest(messages: [.user("x")])) }
            #expect(stand.hits.withLockedValue { $0 } == 2)
            #expect(!String(describing: client.settings).contains(Self.key))
            #expect(!String(reflecting: client.settings).contains(Self.key))
            var dumped = ""
            dump(client.settings, to: &dumped)
            #expect(!dumped.contains(Self.key))
        }
    }

    @Test func aHangingProviderIsCutByTheTimeout() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition, settings: ["REQUEST_TIMEOUT_SECONDS": "60"]) { (server: RunningService) async throws in
            let client = try Self.client(server, ["OPENAI_CHAT_MODEL": "hang", "TIMEOUT_OPENAI_SECONDS": "0.5", "RETRY_MAX_ATTEMPTS": "1"])
            let start = ContinuousClock.now
            do {
                _ = try await client.complete(ChatRequest(messages: [.user("x")]))
                Issue.record("a hanging provider answered")
            } catch let error as OpenAIError {
                #expect(error.kind == .unavailable)
            }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(450), "took \(elapsed)")
            #expect(elapsed < .milliseconds(2500), "took \(elapsed)")
        }
    }

    @Test func aTranscriptionUploadsTheFileAndFieldsAsMultipart() async throws {
        let stand = OpenAIStandIn()
        try await RunningService.with(stand.definition) { (server: RunningService) async throws in
            let client = try Self.client(server, ["OPENAI_TRANSCRIBE_MODEL": "whisper-test"])
            let audio = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let transcript = try await client.transcribe(
                TranscriptionRequest(
                    audio: audio,
                    filename: "clip \"1\".wav",
                    contentType: "audio/wav",
                    language: "en",
                    prompt: "Names: Anaïs",
                    responseFormat: .verboseJSON
                )
            )
            #expect(transcript.text == #"heard 3000 bytes of clip %221%22.wav in en"#)
            #expect(transcript.language == "en")
            #expect(transcript.duration == 1.5)
            let parts = try #require(stand.uploads.withLockedValue { $0.first })
            let file = try #require(parts.first { $0.name == "file" })
            #expect(file.body == audio)
            #expect(file.contentType == "audio/wav")
            #expect(parts.first { $0.name == "model" }?.text == "whisper-test")
            #expect(parts.first { $0.name == "language" }?.text == "en")
            #expect(parts.first { $0.name == "prompt" }?.text == "Names: Anaïs")
            #expect(parts.first { $0.name == "response_format" }?.text == "verbose_json")
            #expect(stand.authorizations.withLockedValue { $0 } == ["Bearer \(Self.key)"])

            let plain = try await client.transcribe(
                TranscriptionRequest(audio: audio, filename: "a.wav", contentType: "audio/wav", responseFormat: .text)
            )
            #expect(plain.text == "heard 3000 bytes of a.wav in ?")
            #expect(stand.uploads.withLockedValue { $0.last }?.contains { $0.name == "language" } == false)
        }
    }

    @Test func notConfiguredIsNoClientAndSettingsComeFromConfiguration() throws {
        let metrics = ServiceMetrics(service: "rag")
        #expect(try OpenAIClient.make(config: Config(environment: ["SECRETS_DIR": "/nonexistent"]), metrics: metrics) == nil)
        #expect(
            try OpenAIClient.make(
                config: Config(environment: ["OPENAI_BASE_URL": "https://api.openai.com/v1/", "SECRETS_DIR": "/nonexistent"]),
                metrics: metrics
            ) == nil
        )
        // A local OpenAI-compatible server needs no key.
        let local = try #require(
            try OpenAISettings.load(from: Config(environment: ["OPENAI_BASE_URL": "http://127.0.0.1:8080/v1/", "SECRETS_DIR": "/nonexistent"]))
        )
        #expect(local.apiKey == nil)
        #expect(local.baseURL == "http://127.0.0.1:8080/v1")
        #expect(local.chatModel == "gpt-4o-mini")
        #expect(local.transcribeModel == "whisper-1")

        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("openai-secrets-\(UUID())")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: secrets) }
        try Data("\(Self.key)\n".utf8).write(to: secrets.appendingPathComponent("openai_api_key"))
        let config = Config(environment: ["SECRETS_DIR": secrets.path, "OPENAI_CHAT_MODEL": "llama3", "TIMEOUT_OPENAI_SECONDS": "42"])
        let client = try #require(try OpenAIClient.make(config: config, metrics: metrics))
        #expect(client.settings.apiKey == Self.key)
        #expect(client.settings.baseURL == OpenAISettings.defaultBaseURL)
        #expect(client.settings.chatModel == "llama3")
        #expect(client.policy.provider == "openai")
        #expect(client.policy.settings.attemptTimeout == .seconds(42))

        #expect(throws: ConfigError.self) {
            try OpenAISettings.load(from: Config(environment: ["OPENAI_BASE_URL": "api.openai.com", "SECRETS_DIR": "/nonexistent"]))
        }
    }
}
