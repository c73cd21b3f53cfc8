/// One message of a chat conversation in the OpenAI wire format.
public struct ChatMessage: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable {
        case system, user, assistant, tool
    }

    public var role: Role
    public var content: String?
    /// The functions an assistant message asks to call.
    public var toolCalls: [ToolCall]?
    /// On a `tool` message: the call it answers.
    public var toolCallID: String?

    public init(role: Role, content: String?, toolCalls: [ToolCall]? = nil, toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: text) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: .assistant, content: text) }

    /// The result of `call` handed back to the model.
    public static func toolResult(for callID: String, _ text: String) -> ChatMessage {
        ChatMessage(role: .tool, content: text, toolCallID: callID)
    }

    enum CodingKeys: String, CodingKey {
        case role, content
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
    }
}
