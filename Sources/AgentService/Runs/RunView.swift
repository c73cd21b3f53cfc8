import Foundation
import ServiceKit

/// `GET /v1/runs/{id}`: a run's status, the node it is at, and the steps it took.
struct RunView: APIModel {
    /// One checkpointed step.
    struct Step: Codable, Sendable {
        let step: Int
        let node: String
        let next: String?
        let durationMilliseconds: Int
        let degraded: Bool
        let reason: String?
        let finishedAt: Date

        enum CodingKeys: String, CodingKey {
            case step, node, next, degraded, reason
            case durationMilliseconds = "duration_ms"
            case finishedAt = "finished_at"
        }
    }

    let id: String
    let conversationID: String
    let messageID: String
    let status: String
    let currentNode: String?
    let intent: String?
    let action: ProposedAction?
    let approval: Approval?
    let actionResult: ActionResult?
    let reply: String?
    /// A step degraded: a dependency was down, or in llm mode the model failed and the rule graph answered.
    let degraded: Bool
    let error: String?
    let steps: [Step]
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, status, intent, action, approval, reply, degraded, error, steps
        case conversationID = "conversation_id"
        case messageID = "message_id"
        case currentNode = "current_node"
        case actionResult = "action_result"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static var fieldConstraints: [String: FieldConstraint] {
        [
            "id": .format("uuid"), "conversation_id": .format("uuid"), "message_id": .format("uuid"),
            "status": .oneOf(RunStatus.allCases.map(\.rawValue)),
        ]
    }
}
