import Foundation
import ServiceKit

/// Where the OpenAI-compatible client sends its calls and with which models, read from
/// `OPENAI_API_KEY` (a secret), `OPENAI_BASE_URL`, `OPENAI_CHAT_MODEL` and
/// `OPENAI_TRANSCRIBE_MODEL`. Any server that speaks the OpenAI wire format (llama.cpp,
/// vLLM, Ollama) works by pointing the base URL at it; those usually need no key.
///
/// The key is never part of its description, debug description or mirror.
public struct OpenAISettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let defaultBaseURL = "https://api.openai.com/v1"

    public var apiKey: String?
    /// Without a trailing slash; paths such as `/chat/completions` are appended to it.
    public var baseURL: String
    public var chatModel: String
    public var transcribeModel: String

    public init(apiKey: String?, baseURL: String = Self.defaultBaseURL, chatModel: String = "gpt-4o-mini", transcribeModel: String = "whisper-1") {
        self.apiKey = apiKey
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.chatModel = chatModel
        self.transcribeModel = transcribeModel
    }

    /// The settings in `config`, or nil when no provider is configured (no key and the default
    /// base URL): a normal state, in which callers use their local path.
    public static func load(from config: Config) throws(ConfigError) -> OpenAISettings? {
        let apiKey = try config.string("OPENAI_API_KEY")
        var baseURL = try config.string("OPENAI_BASE_URL", default: defaultBaseURL).trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw ConfigError(name: "OPENAI_BASE_URL", reason: "expected an http(s) URL such as \(defaultBaseURL)")
        }
        // `https://api.openai.com/v1/` is the default too: without a key it is still "not configured".
        if baseURL.hasSuffix("/") { baseURL.removeLast() }
        if apiKey == nil, baseURL == defaultBaseURL { return nil }
        return OpenAISettings(
            apiKey: apiKey,
            baseURL: baseURL,
            chatModel: try config.string("OPENAI_CHAT_MODEL", default: "gpt-4o-mini"),
            transcribeModel: try config.string("OPENAI_TRANSCRIBE_MODEL", default: "whisper-1")
        )
    }

    public var description: String {
        "OpenAI-compatible provider at \(baseURL) (chat model \(chatModel), transcription model \(transcribeModel), key \(apiKey == nil ? "unset" : "set"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "baseURL": baseURL, "chatModel": chatModel, "transcribeModel": transcribeModel, "apiKey": apiKey == nil ? "unset" : "[redacted]",
            ]
        )
    }

    /// `text` with every occurrence of the key masked: provider answers may quote it back
    /// (OpenAI's 401 names the key it was given).
    func redacting(_ text: String) -> String {
        guard let apiKey, !apiKey.isEmpty else { return text }
        return text.replacingOccurrences(of: apiKey, with: LogRedactor.secretMask)
    }
}
