import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import ServiceKit

/// A server on loopback that speaks the OpenAI wire format, standing in for the provider.
/// The requested `model` picks its behaviour: `echo` answers the last user message, `tools`
/// calls the first tool offered, `limited` answers 429 with `Retry-After: 1` once, `broken`
/// answers 500 quoting the Authorization header it got (as a careless provider might), `hang`
/// answers after 3 s. With `"stream": true` it streams server-sent `data:` chunks, cutting
/// lines across writes, then `[DONE]`.
///
/// For the agent: `agent` plans like a model would (see ``agentReply(_:)``), `malformed`
/// calls `page_oncall` with arguments that are not JSON, `unknown_tool` calls a tool never offered.
public final class OpenAIStandIn: Sendable {
    public let hits = NIOLockedValueBox(0)
    public let authorizations = NIOLockedValueBox([String]())
    /// The chat request bodies received, as sent.
    public let chatBodies = NIOLockedValueBox([String]())
    /// The multipart parts of each transcription upload, parsed by ServiceKit's own parser.
    public let uploads = NIOLockedValueBox([[MultipartForm.Part]]())
    /// The text pieces streamed to each streamed request, in order.
    public let streamedPieces = NIOLockedValueBox([[String]]())
    private let limitedOnce = NIOLockedValueBox(true)

    public static let echoPieces = ["Hel", "lo, ", "wor", "ld", "."]
    /// What `agent` streams when it replies without a tool.
    public static let replyPieces = ["Hi", " there", ", how ", "can I ", "help?"]

    public init() {}

    public var definition: ServiceDefinition {
        let stand = self
        return ServiceDefinition(
            name: "openai_standin",
            defaultPort: 0,
            addRoutes: { routes in
                routes.post("/v1/chat/completions", summary: "Chat completions.", responses: [.ok: "A completion."]) { request, _ in
                    let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                    return try await stand.chat(body: body, authorization: request.headers[.authorization] ?? "")
                }
                routes.post(
                    "/v1/audio/transcriptions",
                    summary: "Transcriptions.",
                    responses: [.ok: "A transcript.", .badRequest: "Not the expected multipart."]
                ) { request, _ in
                    let body = Array(try await request.body.collect(upTo: 8 << 20).readableBytesView)
                    stand.authorizations.withLockedValue { $0.append(request.headers[.authorization] ?? "") }
                    guard let boundary = MultipartForm.boundary(ofContentType: request.headers[.contentType] ?? "") else {
                        return Response(status: .badRequest)
                    }
                    let form = try MultipartForm(parsing: body, boundary: boundary)
                    stand.uploads.withLockedValue { $0.append(form.parts) }
                    guard let file = form.part(named: "file"), let filename = file.filename, form.part(named: "model")?.text != nil else {
                        return Response(status: .badRequest)
                    }
                    let language = form.part(named: "language")?.text ?? "?"
                    let text = "heard \(file.body.count) bytes of \(filename) in \(language)"
                    if form.part(named: "response_format")?.text == "text" {
                        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: text)))
                    }
                    return Self.json(#"{"text":"\#(text)","language":"\#(language)","duration":1.5}"#)
                }
            }
        )
    }

    private func chat(body: String, authorization: String) async throws -> Response {
        hits.withLockedValue { $0 += 1 }
        authorizations.withLockedValue { $0.append(authorization) }
        chatBodies.withLockedValue { $0.append(body) }
        let request = try JSONDecoder().decode([String: AnyJSON].self, from: Data(body.utf8))
        guard case .string(let model) = request["model"] else { return Response(status: .badRequest) }
        let streaming = request["stream"] == .bool(true)
        switch model {
        case "limited"
        where limitedOnce.withLockedValue({ value in
            defer { value = false }
            return value
        }):
            return Response(
                status: .tooManyRequests,
                headers: [.retryAfter: "1"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"slow down"}}"#))
            )
        case "broken":
            return Response(
                status: .internalServerError,
                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"upstream failed for \#(authorization)"}}"#))
            )
        case "hang":
            try await Task.sleep(for: .seconds(3))
            return Self.json(Self.completion(content: "late"))
        case "agent":
            return try agentReply(request)
        case "malformed", "unknown_tool":
            let call =
                model == "malformed"
                ? #"[{"index":0,"id":"call_m","type":"function","function":{"name":"page_oncall","arguments":"{\"message\": "}}]"#
                : #"[{"index":0,"id":"call_u","type":"function","function":{"name":"launch_rockets","arguments":"{}"}}]"#
            return Self.sse([Self.chunk(toolCalls: call), Self.chunk(finish: "tool_calls")])
        case "tools":
            guard case .array(let tools) = request["tools"], case .object(let tool) = tools.first, case .object(let function) = tool["function"],
                case .string(let name) = function["name"]
            else {
                return Response(status: .badRequest)
            }
            return streaming
                ? Self.sse(Self.toolChunks(name: name))
                : Self.json(Self.completion(content: nil, toolCall: (id: "call_1", name: name, arguments: #"{\"city\":\"Paris\"}"#)))
        default:
            var said = ""
            if case .array(let messages) = request["messages"], case .object(let last) = messages.last, case .string(let text) = last["content"] {
                said = text
            }
            return streaming ? try streamText(Self.echoPieces) : Self.json(Self.completion(content: "You said: \(said)"))
        }
    }

    /// `agent`'s plan, streamed: after a tool's result it answers from it ("From the documents: "
    /// and the result's first 40 characters, in pieces); a turn that says "page" calls
    /// `page_oncall` with the turn as the message, one with a question mark calls
    /// `search_documents` with the turn as the query; anything else gets ``replyPieces``.
    private func agentReply(_ request: [String: AnyJSON]) throws -> Response {
        guard case .array(let messages) = request["messages"], case .object(let last) = messages.last,
            case .string(let role) = last["role"], case .string(let text) = last["content"]
        else {
            return Response(status: .badRequest)
        }
        if role == "tool" {
            let answer = "From the documents: " + text.prefix(40).replacingOccurrences(of: "\n", with: " ")
            return try streamText(stride(from: 0, to: answer.count, by: 12).map { String(answer.dropFirst($0).prefix(12)) })
        }
        func call(_ name: String, _ field: String) throws -> Response {
            let arguments = String(decoding: try JSONEncoder().encode([field: text]), as: UTF8.self)
            let escaped = String(decoding: try JSONEncoder().encode(arguments), as: UTF8.self)
            return Self.sse([
                Self.chunk(toolCalls: #"[{"index":0,"id":"call_1","type":"function","function":{"name":"\#(name)","arguments":""}}]"#),
                Self.chunk(toolCalls: #"[{"index":0,"function":{"arguments":\#(escaped)}}]"#),
                Self.chunk(finish: "tool_calls"),
            ])
        }
        if text.contains("page") { return try call("page_oncall", "message") }
        if text.contains("?") { return try call("search_documents", "query") }
        return try streamText(Self.replyPieces)
    }

    /// `pieces` streamed as content chunks, recorded in ``streamedPieces``.
    private func streamText(_ pieces: [String]) throws -> Response {
        streamedPieces.withLockedValue { $0.append(pieces) }
        // Each piece as the inside of a JSON string.
        let chunks = try pieces.map { piece in
            Self.chunk(content: String(String(decoding: try JSONEncoder().encode(piece), as: UTF8.self).dropFirst().dropLast()))
        }
        return Self.sse(chunks + [Self.chunk(finish: "stop")])
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func completion(content: String?, toolCall: (id: String, name: String, arguments: String)? = nil) -> String {
        let contentJSON = content.map { #""\#($0)""# } ?? "null"
        let calls =
            toolCall.map { #","tool_calls":[{"id":"\#($0.id)","type":"function","function":{"name":"\#($0.name)","arguments":"\#($0.arguments)"}}]"# }
            ?? ""
        return
            #"{"id":"chatcmpl-1","object":"chat.completion","model":"stand-in","choices":[{"index":0,"message":{"role":"assistant","content":\#(contentJSON)\#(calls)},"finish_reason":"\#(toolCall == nil ? "stop" : "tool_calls")"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}"#
    }

    static func chunk(content: String? = nil, finish: String? = nil, toolCalls: String? = nil) -> String {
        var delta: [String] = []
        if let content { delta.append(#""content":"\#(content)""#) }
        if let toolCalls { delta.append(#""tool_calls":\#(toolCalls)"#) }
        let reason = finish.map { #""\#($0)""# } ?? "null"
        return
            #"{"id":"chatcmpl-2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{\#(delta.joined(separator: ","))},"finish_reason":\#(reason)}]}"#
    }

    /// Two calls whose argument fragments arrive interleaved.
    static func toolChunks(name: String) -> [String] {
        [
            chunk(toolCalls: #"[{"index":0,"id":"call_a","type":"function","function":{"name":"\#(name)","arguments":""}}]"#),
            chunk(toolCalls: #"[{"index":0,"function":{"arguments":"{\"city\":"}}]"#),
            chunk(toolCalls: #"[{"index":1,"id":"call_b","type":"function","function":{"name":"\#(name)","arguments":"{\"city\":"}}]"#),
            chunk(toolCalls: #"[{"index":0,"function":{"arguments":"\"Paris\"}"}}]"#),
            chunk(toolCalls: #"[{"index":1,"function":{"arguments":"\"Oslo\"}"}}]"#),
            chunk(finish: "tool_calls"),
        ]
    }

    /// The chunks as `data:` events, each event cut in two writes so the client must buffer.
    static func sse(_ chunks: [String]) -> Response {
        let body = ResponseBody { writer in
            for chunk in chunks + ["[DONE]"] {
                let event = "data: \(chunk)\n\n"
                let cut = event.index(event.startIndex, offsetBy: event.count / 2)
                try await writer.write(ByteBuffer(string: String(event[..<cut])))
                try await Task.sleep(for: .milliseconds(5))
                try await writer.write(ByteBuffer(string: String(event[cut...])))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
