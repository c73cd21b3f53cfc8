import AsyncHTTPClient
import Foundation
import NIOCore

/// A streamed chat completion: the deltas of the server-sent `data:` chunks in order, ending
/// at `[DONE]`. A stream that breaks off, or a chunk that is not the wire format, throws
/// ``OpenAIError``. Iterate it once.
public struct ChatStream: AsyncSequence, Sendable {
    public typealias Element = ChatDelta

    let body: HTTPClientResponse.Body
    let settings: OpenAISettings

    public func makeAsyncIterator() -> Iterator {
        Iterator(bytes: body.makeAsyncIterator(), settings: settings)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var bytes: HTTPClientResponse.Body.AsyncIterator
        let settings: OpenAISettings
        var parser = ServerSentEventParser()
        var ready: [String] = []
        var finished = false

        init(bytes: HTTPClientResponse.Body.AsyncIterator, settings: OpenAISettings) {
            self.bytes = bytes
            self.settings = settings
        }

        public mutating func next() async throws(OpenAIError) -> ChatDelta? {
            while !finished {
                if !ready.isEmpty {
                    let data = ready.removeFirst()
                    if data == "[DONE]" {
                        finished = true
                        return nil
                    }
                    return try decode(data)
                }
                let chunk: ByteBuffer?
                do {
                    chunk = try await bytes.next()
                } catch {
                    finished = true
                    throw OpenAIError(kind: .interrupted, description: settings.redacting("openai: the stream broke off: \(error)"))
                }
                guard let chunk else {
                    finished = true
                    throw OpenAIError(kind: .interrupted, description: "openai: the stream ended without [DONE]")
                }
                do {
                    ready += try parser.feed(chunk)
                } catch {
                    finished = true
                    throw OpenAIError(kind: .malformedReply, description: "openai: a stream line exceeds \(parser.maxLineBytes) bytes")
                }
            }
            return nil
        }

        private mutating func decode(_ data: String) throws(OpenAIError) -> ChatDelta {
            let wire: ChatDelta.Wire
            do {
                wire = try JSONDecoder().decode(ChatDelta.Wire.self, from: Data(data.utf8))
            } catch {
                finished = true
                throw OpenAIError(kind: .malformedReply, description: "openai: a stream chunk is not a chat.completion.chunk")
            }
            if let failure = wire.error {
                finished = true
                throw OpenAIError(
                    kind: .interrupted,
                    description: settings.redacting("openai: the stream reported an error: \(failure.message ?? "no message")")
                )
            }
            return wire.delta
        }
    }

    /// Reads the whole stream into one completion: the text joined in order, tool calls
    /// reassembled from their fragments, the last finish reason. `onText` sees each piece of
    /// text as it arrives, so a caller can pass it on while the tool calls still assemble.
    public func collect(onText: (String) async -> Void = { _ in }) async throws(OpenAIError) -> ChatCompletion {
        var text = ""
        var sawText = false
        var toolCalls = ToolCallAccumulator()
        var finishReason: String?
        var iterator = makeAsyncIterator()
        while let delta = try await iterator.next() {
            if let content = delta.content {
                text += content
                sawText = true
                if !content.isEmpty { await onText(content) }
            }
            toolCalls.add(delta.toolCalls)
            finishReason = delta.finishReason ?? finishReason
        }
        let calls = toolCalls.toolCalls
        let message = ChatMessage(role: .assistant, content: sawText ? text : nil, toolCalls: calls.isEmpty ? nil : calls)
        return ChatCompletion(id: nil, model: nil, message: message, finishReason: finishReason, usage: nil)
    }
}
