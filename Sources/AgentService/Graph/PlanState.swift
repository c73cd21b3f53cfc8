import ServiceKitHTTPClient

/// A run's exchange with the model in llm mode, checkpointed with the run: the tool calls it
/// made and their results (so a resumed run never asks the model again for a step it already
/// planned), the call being carried out, and how often the model was asked.
struct PlanState: Codable, Sendable {
    /// A tool call the graph is carrying out: the model is answered under its id.
    struct PendingCall: Codable, Sendable {
        let id: String
        let tool: AgentTool
    }

    /// The model's tool calls and their results, after the history and the user's turn.
    var exchange: [ChatMessage] = []
    var pending: PendingCall?
    var calls = 0
    /// The reply is the model's text, already streamed as `token` events.
    var streamed = false

    /// Hands the pending call's result back to the model; the run goes on at `plan`.
    mutating func answer(_ result: String) {
        guard let pending else { return }
        exchange.append(.toolResult(for: pending.id, result))
        self.pending = nil
    }
}
