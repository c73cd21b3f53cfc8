/// The nodes of the agent's graph, by the name checkpoints, events and `GET /v1/runs/{id}` use.
enum NodeName: String, Codable, Sendable, CaseIterable {
    case plan
    case understand
    case retrieve
    case answer
    case jobStatus = "job_status"
    case proposeAction = "propose_action"
    case awaitApproval = "await_approval"
    case act
    case reply
    case respond
}
