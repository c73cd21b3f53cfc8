/// Everything a run knows, checkpointed as JSON after every node: another replica resumes
/// the run from it alone.
struct RunState: Codable, Sendable {
    /// The user's turn.
    let text: String
    var intent: String?
    var confidence: Double?
    var entities: [ParsedEntity] = []
    /// What retrieval found (from search), then what the answer cites.
    var citations: [Citation] = []
    var action: ProposedAction?
    var approval: Approval?
    var actionResult: ActionResult?
    /// The assistant's reply, once a node has written it.
    var reply: String?
    /// Why steps degraded (a dependency was down), in order.
    var degraded: [String] = []

    init(text: String) {
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case text, intent, confidence, entities, citations, action, approval, reply, degraded
        case actionResult = "action_result"
    }
}
