/// Where a run stands.
enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running
    case awaitingApproval = "awaiting_approval"
    case completed, failed, cancelled

    var isTerminal: Bool { [.completed, .failed, .cancelled].contains(self) }
}

/// The run is no longer this replica's to drive: cancelled, finished, deleted with its
/// conversation, or its lease lapsed and another replica took it over.
struct RunNotOwned: Error {}
