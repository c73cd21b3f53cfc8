import Foundation
import ServiceKit
import ServiceKitHTTPClient

/// In llm mode, asks the model what to do with the turn: it sees the conversation's recent
/// turns, the turn and its exchange so far, and answers with a tool call (``AgentTool``: the
/// run goes to that tool's node) or with text, streamed as `token` events as it arrives (the
/// reply). Any failure of the model (unreachable, 5xx, timeout, a malformed or unknown tool
/// call, bad arguments) sends the turn to the rule graph, degraded, with a `fallback` event.
///
/// Only the first tool call of a reply is carried out, and after an action the run never
/// comes back here: a run takes at most one side effect.
struct PlanNode: GraphNode {
    let name = NodeName.plan
    let model: OpenAIClient?
    let turns: RecentTurns

    /// Model calls per run: a tool's result goes back to it, and it must reply at last.
    static let maxCalls = 3

    static let instructions = """
        You are the team's assistant. Use search_documents to answer questions from the indexed documents, \
        answering only from the passages it returns and citing them as [n]; job_status for an upload's job; \
        notify_team, page_oncall or create_ticket (when offered) to act, which a person approves first. \
        Otherwise reply briefly in plain text. \(ReplyTemplates.capabilities)
        """

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        guard let model else { return await fallBack(&state, context, "no OpenAI-compatible model is configured") }
        var plan = state.plan ?? PlanState()
        guard plan.calls < Self.maxCalls else {
            return await fallBack(&state, context, "the model called tools \(plan.calls) times without replying")
        }
        let history = try await turns.recent(context.conversationID).filter { $0.runID != context.runID.lowercased }
        let request = ChatRequest(
            messages: [.system(Self.instructions)] + history.map(\.chatMessage) + [.user(state.text)] + plan.exchange,
            tools: AgentTool.definitions(tickets: context.settings.ticketWebhookURL != nil),
            toolChoice: .auto,
            temperature: 0
        )
        plan.calls += 1
        let completion: ChatCompletion
        do {
            completion = try await model.stream(request).collect { piece in await context.emit(.token, ["text": .string(piece)]) }
        } catch {
            return await fallBack(&state, context, "\(error)")
        }
        if let call = completion.toolCalls.first {
            let tool: AgentTool
            do {
                tool = try AgentTool(call, tickets: context.settings.ticketWebhookURL != nil)
            } catch {
                return await fallBack(&state, context, "\(error)")
            }
            let id = call.id.isEmpty ? "call-\(context.step)" : call.id
            // The model is answered for this call alone, so it must not see the others as made.
            plan.exchange.append(
                ChatMessage(
                    role: .assistant,
                    content: completion.content,
                    toolCalls: [ToolCall(id: id, name: call.name, arguments: call.function.arguments)]
                )
            )
            plan.pending = PlanState.PendingCall(id: id, tool: tool)
            state.plan = plan
            state.intent = tool.intent
            if case .jobStatus(let jobID) = tool { state.jobID = jobID }
            await context.emit(.toolCall, ["tool": .string(tool.name), "arguments": call.parsedArguments ?? .null, "call_id": .string(id)])
            return .next(tool.node)
        }
        guard let text = completion.content?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return await fallBack(&state, context, "the model answered with neither text nor a tool call")
        }
        plan.streamed = true
        state.plan = plan
        state.reply = text
        return .next(.respond)
    }

    /// Starts the turn over in the rule graph, keeping only why steps degraded.
    private func fallBack(_ state: inout RunState, _ context: NodeContext, _ why: String) async -> NodeOutcome {
        let reason = "llm: \(why)"
        let degraded = state.degraded + [reason]
        state = RunState(text: state.text, transcript: state.transcript)
        state.degraded = degraded
        await context.emit(.fallback, ["reason": .string(reason), "next": .string(NodeName.understand.rawValue)])
        return .degraded(reason, next: .understand)
    }
}
