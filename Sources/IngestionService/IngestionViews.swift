import Foundation
import Hummingbird
import ServiceKit

/// JSON stored as text and sent on as it is, without re-encoding.
struct JSONText: Encodable, Sendable {
    let raw: String

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let value = try JSONDecoder().decode(AnyJSON.self, from: Data(raw.utf8))
        try container.encode(value)
    }

    static func isObjectOrArray(_ text: String) -> Bool {
        guard let first = text.first(where: { !$0.isWhitespace }) else { return false }
        return (first == "{" || first == "[") && (try? JSONDecoder().decode(AnyJSON.self, from: Data(text.utf8))) != nil
    }
}

struct ItemMetadata: ResponseEncodable {
    let id: String
    let kind: String
    let title: String?
    let collection: String?
    let contentType: String
    let sizeBytes: Int
    let metadata: JSONText
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, title, collection, metadata
        case contentType = "content_type"
        case sizeBytes = "size_bytes"
        case createdAt = "created_at"
    }
}

struct JobView: ResponseEncodable {
    let id: String
    let kind: String
    let itemID: String
    let status: String
    let attempts: Int
    let error: String?
    let result: JSONText?
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, status, attempts, error, result
        case itemID = "item_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

struct EventView: Encodable, Sendable {
    let id: String
    let type: String
    let source: String
    let occurredAt: Date
    let payload: JSONText
    let receivedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, type, source, payload
        case occurredAt = "occurred_at"
        case receivedAt = "received_at"
    }
}

/// Where the next page of events starts: after this event in (occurred_at, id) order.
struct EventCursor: Sendable {
    let occurredAt: Date
    let id: UUID

    var token: String {
        Data("\(occurredAt.timeIntervalSince1970)|\(id.uuidString)".utf8).base64EncodedString()
    }

    init(occurredAt: Date, id: UUID) {
        self.occurredAt = occurredAt
        self.id = id
    }

    init?(token: String) {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|")
        guard parts.count == 2, let seconds = Double(parts[0]), Self.representable.contains(seconds), let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.init(occurredAt: Date(timeIntervalSince1970: seconds), id: id)
    }

    /// Years 0001 to 9999, the times RFC 3339 can write. NaN, infinities and times like
    /// `1e300` cannot be sent to PostgreSQL (its driver converts them to whole microseconds).
    static let representable: ClosedRange<Double> = -62_135_596_800...253_402_300_799
}

/// The answer to an upload: 202 `{item_id, job_id, status}`, with the job's URL.
func accepted(itemID: UUID, jobID: UUID) -> JSONResponse<[String: String]> {
    JSONResponse(
        ["item_id": itemID.lowercased, "job_id": jobID.lowercased, "status": "queued"],
        status: .accepted,
        headers: [.location: "/v1/jobs/\(jobID.lowercased)"]
    )
}
