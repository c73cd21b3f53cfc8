/// The answer to a chat-completions request: the first choice's message (text, tool calls or
/// both), why generation stopped, and token usage when the server reports it.
public struct ChatCompletion: Sendable, Equatable {
    public struct Usage: Codable, Sendable, Equatable {
        public var promptTokens: Int?
        public var completionTokens: Int?
        public var totalTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
        }
    }

    public var id: String?
    public var model: String?
    public var message: ChatMessage
    /// `stop`, `length`, `tool_calls`, `content_filter`, or nil when the server gave none.
    public var finishReason: String?
    public var usage: Usage?

    public var content: String? { message.content }
    public var toolCalls: [ToolCall] { message.toolCalls ?? [] }

    public init(id: String?, model: String?, message: ChatMessage, finishReason: String?, usage: Usage?) {
        self.id = id
        self.model = model
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
    }

    /// The wire form of a non-streamed reply.
    struct Wire: Decodable {
        struct Choice: Decodable {
            let message: ChatMessage
            let finishReason: String?

            enum CodingKeys: String, CodingKey {
                case message
                case finishReason = "finish_reason"
            }
        }

        let id: String?
        let model: String?
        let choices: [Choice]
        let usage: Usage?
    }
}
