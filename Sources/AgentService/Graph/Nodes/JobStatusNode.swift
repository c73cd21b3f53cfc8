import Foundation
import ServiceKit

/// Looks up the ingestion job whose id the turn mentions and says where it stands.
struct JobStatusNode: GraphNode {
    let name = NodeName.jobStatus

    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome {
        guard let id = Self.jobID(in: state.text) else {
            state.reply = ReplyTemplates.jobIDMissing
            return .next(.respond)
        }
        do {
            state.reply = try await context.clients.ingestion.job(id).map(ReplyTemplates.job) ?? ReplyTemplates.jobNotFound(id)
            return .next(.respond)
        } catch let error as ProviderCallError {
            let reason = "ingestion: \(error)"
            state.degraded.append(reason)
            state.reply = ReplyTemplates.jobsUnavailable(error.description)
            return .degraded(reason, next: .respond)
        }
    }

    /// The first UUID in the text, lower-cased.
    static func jobID(in text: String) -> String? {
        guard let range = text.range(of: #"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"#, options: .regularExpression)
        else { return nil }
        return text[range].lowercased()
    }
}
