import Foundation
import ServiceKit

/// Looks up the ingestion job the turn asks about (``RunState/jobID``, else the id the text
/// names) and says where it stands; in llm mode that answer goes back to the model.
struct JobStatusNode: GraphNode {
    let name = NodeName.jobStatus

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        var outcome = NodeOutcome.next(.respond)
        if let id = state.jobID ?? Self.jobID(in: state.text) {
            do {
                state.reply = try await context.clients.ingestion.job(id).map(ReplyTemplates.job) ?? ReplyTemplates.jobNotFound(id)
            } catch let error as ProviderCallError {
                let reason = "ingestion: \(error)"
                state.degraded.append(reason)
                state.reply = ReplyTemplates.jobsUnavailable(error.description)
                outcome = .degraded(reason, next: .respond)
            }
        } else {
            state.reply = ReplyTemplates.jobIDMissing
        }
        guard state.plan != nil, let reply = state.reply else { return outcome }
        state.plan?.answer(reply)
        return NodeOutcome(transition: .next(.plan), degraded: outcome.degraded)
    }

    /// The first UUID in the text, lower-cased.
    static func jobID(in text: String) -> String? {
        guard let range = text.range(of: #"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"#, options: .regularExpression)
        else { return nil }
        return text[range].lowercased()
    }
}
