import Foundation

/// A chat-completions request: the conversation, the tools the model may call, and sampling
/// limits. `model` nil means the configured `OPENAI_CHAT_MODEL`.
public struct ChatRequest: Sendable {
    public var messages: [ChatMessage]
    public var model: String?
    public var tools: [ChatTool]
    public var toolChoice: ToolChoice?
    public var temperature: Double?
    public var maxTokens: Int?

    public init(
        messages: [ChatMessage],
        model: String? = nil,
        tools: [ChatTool] = [],
        toolChoice: ToolChoice? = nil,
        temperature: Double? = nil,
        maxTokens: Int? = nil
    ) {
        self.messages = messages
        self.model = model
        self.tools = tools
        self.toolChoice = toolChoice
        self.temperature = temperature
        self.maxTokens = maxTokens
    }

    /// The JSON body of `POST /chat/completions`.
    func body(defaultModel: String, stream: Bool) throws -> Data {
        try JSONEncoder().encode(
            Wire(
                model: model ?? defaultModel,
                messages: messages,
                tools: tools.isEmpty ? nil : tools,
                toolChoice: toolChoice,
                temperature: temperature,
                maxTokens: maxTokens,
                stream: stream ? true : nil
            )
        )
    }

    private struct Wire: Encodable {
        let model: String
        let messages: [ChatMessage]
        let tools: [ChatTool]?
        let toolChoice: ToolChoice?
        let temperature: Double?
        let maxTokens: Int?
        let stream: Bool?

        enum CodingKeys: String, CodingKey {
            case model, messages, tools, temperature, stream
            case toolChoice = "tool_choice"
            case maxTokens = "max_tokens"
        }
    }
}
