import Foundation
import Hummingbird
import ServiceKit

/// JSON stored as text and sent on as it is, without re-encoding.
struct JSONText: Codable, Sendable, JSONSchemaRepresentable {
    let raw: String

    static var jsonSchema: JSONSchema { .any }
    static var schemaPlaceholder: JSONText { JSONText(raw: "null") }

    init(raw: String) {
        self.raw = raw
    }

    init(from decoder: any Decoder) throws {
        let value = try AnyJSON(from: decoder)
        raw = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

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

struct ItemMetadata: APIModel, ResponseEncodable {
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

    static var fieldConstraints: [String: FieldConstraint] {
        ["id": .format("uuid"), "kind": .oneOf(["document", "audio"]), "metadata": .kind(.object)]
    }
}

struct JobView: APIModel, ResponseEncodable {
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

    static var fieldConstraints: [String: FieldConstraint] {
        ["id": .format("uuid"), "item_id": .format("uuid"), "status": .oneOf(JobStatus.allCases.map(\.rawValue))]
    }
}

struct EventView: APIModel {
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

    static var fieldConstraints: [String: FieldConstraint] { ["id": .format("uuid"), "payload": .kind(.object)] }
}

/// Where the next page of events starts: after this event in (occurred_at, id) order.
/// Written `<microseconds since 1970>_<event id>`, a form the document's pattern states
/// exactly, so every string matching it is a cursor this service reads.
struct EventCursor: Sendable {
    let occurredAt: Date
    let id: UUID

    static let pattern = "^-?[0-9]{1,18}_[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

    var token: String {
        "\(Int64((occurredAt.timeIntervalSince1970 * 1_000_000).rounded()))_\(id.lowercased)"
    }

    init(occurredAt: Date, id: UUID) {
        self.occurredAt = occurredAt
        self.id = id
    }

    init?(token: String) {
        guard (try? Regex(Self.pattern).wholeMatch(in: token)) != nil else { return nil }
        let parts = token.split(separator: "_")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        // Outside what PostgreSQL can compare with, a cursor is before or after every event.
        self.init(occurredAt: Date(timeIntervalSince1970: Double(micros.clamped(to: Self.representable)) / 1_000_000), id: id)
    }

    /// Years 0001 to 9999 in microseconds, the times RFC 3339 can write and PostgreSQL's
    /// driver converts.
    static let representable: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_799_999_999
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self {
        min(max(self, range.lowerBound), range.upperBound)
    }
}

/// The answer to an upload: the stored item and the job that processes it.
struct UploadAccepted: APIModel {
    let itemID: String
    let jobID: String
    let status: String

    enum CodingKeys: String, CodingKey {
        case status
        case itemID = "item_id"
        case jobID = "job_id"
    }

    static var fieldConstraints: [String: FieldConstraint] { ["item_id": .format("uuid"), "job_id": .format("uuid"), "status": .oneOf(["queued"])] }

    static func spec(_ description: String) -> ResponseSpec {
        .json(UploadAccepted.self, description).header("Location", "The job's URL.")
    }

    /// 202 with the job's URL.
    static func response(itemID: UUID, jobID: UUID) -> JSONResponse<UploadAccepted> {
        JSONResponse(
            UploadAccepted(itemID: itemID.lowercased, jobID: jobID.lowercased, status: "queued"),
            status: .accepted,
            headers: [.location: "/v1/jobs/\(jobID.lowercased)"]
        )
    }
}

/// The answer to a recorded event.
struct EventRecorded: APIModel {
    let eventID: String

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
    }

    static var fieldConstraints: [String: FieldConstraint] { ["event_id": .format("uuid")] }
}

/// A page of events in time order.
struct EventPage: APIModel, ResponseEncodable {
    let events: [EventView]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case events
        case nextCursor = "next_cursor"
    }
}
