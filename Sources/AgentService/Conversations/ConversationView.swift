import Foundation
import ServiceKit

/// A conversation as the API shows it.
struct ConversationView: APIModel {
    let id: String
    let title: String?
    let metadata: AnyJSON
    let createdAt: Date
    let updatedAt: Date
    /// Where the list that holds it continues after it; not shown.
    var seq: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case id, title, metadata
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static var fieldConstraints: [String: FieldConstraint] { ["id": .format("uuid"), "metadata": .kind(.object)] }
}

/// One message of a conversation: the user's turn or the assistant's reply.
struct MessageView: APIModel {
    let id: String
    let role: String
    let text: String
    let runID: String?
    let citations: [Citation]
    let createdAt: Date
    /// Where the page that holds it continues after it; not shown.
    var seq: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case id, role, text, citations
        case runID = "run_id"
        case createdAt = "created_at"
    }

    static var fieldConstraints: [String: FieldConstraint] {
        ["id": .format("uuid"), "run_id": .format("uuid"), "role": .oneOf(["user", "assistant"])]
    }
}
