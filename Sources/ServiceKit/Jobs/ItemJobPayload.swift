import Foundation

/// What a job made from an ingestion item carries (the payload of `jobs:rag.index` and
/// `jobs:asr`): enough for a worker to fetch the item (`GET /v1/items/{id}` and
/// `GET /v1/items/{id}/content` on ingestion).
public struct ItemJobPayload: Codable, Sendable, Equatable {
    public let jobID: String
    public let kind: String
    public let itemID: String
    public let contentType: String

    public init(jobID: String, kind: String, itemID: String, contentType: String) {
        self.jobID = jobID
        self.kind = kind
        self.itemID = itemID
        self.contentType = contentType
    }

    enum CodingKeys: String, CodingKey {
        case kind
        case jobID = "job_id"
        case itemID = "item_id"
        case contentType = "content_type"
    }

    /// The item a job of `jobs:rag.index` or `jobs:asr` names; a payload that is not an item
    /// job, or names no valid id, is a ``PermanentJobFailure`` (running it again cannot help).
    public static func itemID(of job: Job) throws(PermanentJobFailure) -> UUID {
        let payload: ItemJobPayload
        do {
            payload = try JSONDecoder().decode(ItemJobPayload.self, from: Data(job.payload))
        } catch {
            throw PermanentJobFailure("The job's payload is not an item job: \(error)")
        }
        guard let itemID = UUID(uuidString: payload.itemID) else { throw PermanentJobFailure("The job names no valid item id (\(payload.itemID)).") }
        return itemID
    }
}
