import Foundation
import ServiceKit

/// One event of a run, as it goes to the run's Redis stream and out over SSE: a type and a
/// JSON object that always carries `run_id` and `conversation_id`.
struct RunEvent: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        /// A voice turn's transcript, before anything else of its run.
        case transcript
        case runStarted = "run.started"
        case nodeStarted = "node.started"
        case nodeFinished = "node.finished"
        case intent
        /// In llm mode, the tool the model called.
        case toolCall = "tool.call"
        /// In llm mode, the model failed: the rule graph answers the turn (tokens before it are void).
        case fallback
        case retrieval
        case toolProposed = "tool.proposed"
        case approvalRequired = "approval.required"
        case toolResult = "tool.result"
        case token
        case message
        case runCompleted = "run.completed"
        case runFailed = "run.failed"
        case runCancelled = "run.cancelled"

        /// The run ends with it: an event stream closes after it.
        var isTerminal: Bool { [.runCompleted, .runFailed, .runCancelled].contains(self) }
    }

    let kind: Kind
    let runID: UUID
    let conversationID: UUID
    let data: [String: AnyJSON]

    /// The data with the run's ids, as one line of JSON (sorted keys).
    var json: String {
        var fields = data
        fields["run_id"] = .string(runID.lowercased)
        fields["conversation_id"] = .string(conversationID.lowercased)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(AnyJSON.object(fields))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension AnyJSON {
    /// An encodable value (a citation, an action) as JSON, for event data.
    static func encoding(_ value: some Encodable) -> AnyJSON {
        (try? JSONDecoder().decode(AnyJSON.self, from: JSONEncoder().encode(value))) ?? .null
    }
}
