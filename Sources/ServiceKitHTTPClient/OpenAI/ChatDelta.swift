/// One piece of a streamed chat completion: text to append, fragments of tool calls, and,
/// on the last piece, why generation stopped.
public struct ChatDelta: Sendable, Equatable {
    /// A fragment of the tool call at `index`: the first carries its id and name, later ones
    /// more of its arguments' JSON text.
    public struct ToolCallFragment: Sendable, Equatable {
        public var index: Int
        public var id: String?
        public var name: String?
        public var arguments: String?
    }

    public var content: String?
    public var toolCalls: [ToolCallFragment]
    public var finishReason: String?

    /// The wire form of one `data:` chunk; only the first choice is read (the client never asks for `n` > 1).
    struct Wire: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable {
                struct ToolCallDelta: Decodable {
                    struct Function: Decodable {
                        let name: String?
                        let arguments: String?
                    }

                    let index: Int?
                    let id: String?
                    let function: Function?
                }

                let content: String?
                let toolCalls: [ToolCallDelta]?

                enum CodingKeys: String, CodingKey {
                    case content
                    case toolCalls = "tool_calls"
                }
            }

            let delta: Delta?
            let finishReason: String?

            enum CodingKeys: String, CodingKey {
                case delta
                case finishReason = "finish_reason"
            }
        }

        struct Failure: Decodable {
            let message: String?
        }

        let choices: [Choice]?
        /// Some servers report a failure inside the stream rather than by status.
        let error: Failure?

        var delta: ChatDelta {
            let choice = choices?.first
            return ChatDelta(
                content: choice?.delta?.content,
                toolCalls: (choice?.delta?.toolCalls ?? []).enumerated().map { position, call in
                    ToolCallFragment(index: call.index ?? position, id: call.id, name: call.function?.name, arguments: call.function?.arguments)
                },
                finishReason: choice?.finishReason
            )
        }
    }
}
