/// Everything a run knows, checkpointed as JSON after every node: another replica resumes
/// the run from it alone.
struct RunState: Codable, Sendable {
    /// The user's turn (of a voice turn, its transcript).
    let text: String
    /// What asr heard, when the turn was spoken.
    let transcript: ASRClient.Transcription?
    var intent: String?
    var confidence: Double?
    var entities: [ParsedEntity] = []
    /// The ingestion job the turn asks about: named in it, in a recent turn, or by the model.
    var jobID: String?
    /// What retrieval found (from search), then what the answer cites.
    var citations: [Citation] = []
    var action: ProposedAction?
    var approval: Approval?
    var actionResult: ActionResult?
    /// The assistant's reply, once a node has written it.
    var reply: String?
    /// Why steps degraded (a dependency was down), in order.
    var degraded: [String] = []
    /// In llm mode, the exchange with the model; nil in rule mode and after a fallback.
    var plan: PlanState?

    init(text: String, transcript: ASRClient.Transcription? = nil) {
        self.text = text
        self.transcript = transcript
    }

    enum CodingKeys: String, CodingKey {
        case text, transcript, intent, confidence, entities, citations, action, approval, reply, degraded, plan
        case actionResult = "action_result"
        case jobID = "job_id"
    }
}
