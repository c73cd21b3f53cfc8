import ServiceKit

/// A side effect the agent offers to carry out once a person approves it: an integrations
/// delivery to `provider` (slack, pagerduty, webhook) at `target` saying `message`.
struct ProposedAction: Codable, Sendable, Equatable {
    /// The intent it serves: notify_team, page_oncall or create_ticket.
    let tool: String
    let provider: String
    var target: String
    var message: String
}

/// A person's decision on a ``ProposedAction``.
enum Approval: String, Codable, Sendable, SchemaEnumeration {
    case approved, rejected
}

/// What became of an approved action: the delivery and where it stands.
struct ActionResult: Codable, Sendable, Equatable {
    let deliveryID: String?
    /// delivered, queued (not settled within the wait), failed or dead.
    let status: String
    let error: String?

    enum CodingKeys: String, CodingKey {
        case status, error
        case deliveryID = "delivery_id"
    }
}
