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
}
