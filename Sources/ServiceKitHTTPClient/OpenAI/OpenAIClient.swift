import AsyncHTTPClient
import Foundation
import NIOCore
import ServiceKit

/// Calls an OpenAI-compatible provider (OpenAI, or llama.cpp, vLLM, Ollama behind
/// `OPENAI_BASE_URL`): chat completions, streamed or not, with tool calls, and audio
/// transcriptions. Every call goes through the `openai` ``ResiliencePolicy`` (retries,
/// `Retry-After`, the breaker, `TIMEOUT_OPENAI_SECONDS` per attempt, the total budget) and
/// fails with ``OpenAIError``, on which callers fall back to their local path.
///
/// A streamed completion goes through the policy until the response head arrives; its body
/// as a whole is bounded by the policy's total budget (`PROVIDER_TOTAL_BUDGET_SECONDS`).
public struct OpenAIClient: Sendable {
    public let settings: OpenAISettings
    public let policy: ResiliencePolicy
    let http: OutboundHTTP

    public init(settings: OpenAISettings, policy: ResiliencePolicy, http: OutboundHTTP = OutboundHTTP()) {
        self.settings = settings
        self.policy = policy
        self.http = http
    }

    /// The client `config` describes, or nil when no provider is configured (see
    /// ``OpenAISettings/load(from:)``); its policy reports to `metrics`.
    public static func make(config: Config, metrics: ServiceMetrics) throws(ConfigError) -> OpenAIClient? {
        guard let settings = try OpenAISettings.load(from: config) else { return nil }
        let policy = ResiliencePolicy(provider: "openai", settings: try ResilienceSettings(provider: "openai", config: config), metrics: metrics)
        return OpenAIClient(settings: settings, policy: policy)
    }

    /// A whole completion.
    public func complete(_ chat: ChatRequest) async throws(OpenAIError) -> ChatCompletion {
        let request = try chatRequest(chat, stream: false)
        let reply = try await call { http, timeout in try await http.send(request, timeout: timeout).requireSuccess() }
        let wire: ChatCompletion.Wire
        do {
            wire = try JSONDecoder().decode(ChatCompletion.Wire.self, from: Data(reply.body.readableBytesView))
        } catch {
            throw OpenAIError(kind: .malformedReply, status: reply.status, description: "openai: the reply is not a chat completion")
        }
        guard let choice = wire.choices.first else {
            throw OpenAIError(kind: .malformedReply, status: reply.status, description: "openai: the reply has no choices")
        }
        return ChatCompletion(id: wire.id, model: wire.model, message: choice.message, finishReason: choice.finishReason, usage: wire.usage)
    }

    /// A completion streamed as it is generated.
    public func stream(_ chat: ChatRequest) async throws(OpenAIError) -> ChatStream {
        let request = try chatRequest(chat, stream: true)
        let budget = policy.settings.totalBudget
        let response = try await call { http, _ in try await http.stream(request, timeout: budget) }
        return ChatStream(body: response.body, settings: settings)
    }

    /// The transcript of an audio file, uploaded as multipart/form-data.
    public func transcribe(_ transcription: TranscriptionRequest) async throws(OpenAIError) -> Transcription {
        var form = MultipartFormBody()
        form.addFile("file", filename: transcription.filename, contentType: transcription.contentType, bytes: transcription.audio)
        form.addField("model", transcription.model ?? settings.transcribeModel)
        if let language = transcription.language { form.addField("language", language) }
        if let prompt = transcription.prompt { form.addField("prompt", prompt) }
        form.addField("response_format", transcription.responseFormat.rawValue)
        var request = baseRequest("/audio/transcriptions", contentType: form.contentType)
        request.body = .bytes(form.bytes())
        let reply = try await call { [request] http, timeout in try await http.send(request, timeout: timeout).requireSuccess() }
        switch transcription.responseFormat {
        case .text, .srt, .vtt:
            return Transcription(text: reply.text)
        case .json, .verboseJSON:
            do {
                let wire = try JSONDecoder().decode(Transcription.Wire.self, from: Data(reply.body.readableBytesView))
                return Transcription(text: wire.text, language: wire.language, duration: wire.duration)
            } catch {
                throw OpenAIError(kind: .malformedReply, status: reply.status, description: "openai: the reply is not a transcription")
            }
        }
    }

    private func chatRequest(_ chat: ChatRequest, stream: Bool) throws(OpenAIError) -> HTTPClientRequest {
        var request = baseRequest("/chat/completions", contentType: "application/json")
        if stream { request.headers.add(name: "Accept", value: "text/event-stream") }
        do {
            request.body = .bytes(ByteBuffer(bytes: try chat.body(defaultModel: settings.chatModel, stream: stream)))
        } catch {
            throw OpenAIError(kind: .rejected, description: "openai: the request cannot be encoded as JSON: \(error)")
        }
        return request
    }

    private func baseRequest(_ path: String, contentType: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: settings.baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        if let key = settings.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        return request
    }

    /// Runs one call through the policy, each attempt given the per-attempt timeout.
    private func call<Value: Sendable>(
        _ attempt: @escaping @Sendable (OutboundHTTP, Duration) async throws -> Value
    ) async throws(OpenAIError) -> Value {
        let (http, timeout) = (self.http, policy.settings.attemptTimeout)
        do {
            return try await policy.execute { _ in try await attempt(http, timeout) }
        } catch let error as ProviderCallError {
            throw OpenAIError.from(error, settings: settings)
        } catch {
            throw OpenAIError(kind: .unavailable, description: settings.redacting("openai: \(error)"))
        }
    }
}
