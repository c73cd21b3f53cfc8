import Foundation
import Hummingbird
import PostgresNIO
import ServiceKit

/// A document as `GET /v1/documents` and `GET /v1/documents/{id}` show it.
struct DocumentView: APIModel, ResponseEncodable {
    let id: String
    /// The paging cursor; not shown.
    private(set) var seq: Int64 = 0
    let itemID: String
    let collection: String
    let title: String
    let contentType: String
    let metadata: AnyJSON
    let pages: Int?
    let chunks: Int
    let embedder: String
    let createdAt: Date
    let updatedAt: Date

    static let columns = "id, seq, item_id, collection, title, content_type, metadata::text, pages, chunk_count, embedder, created_at, updated_at"

    init(row: PostgresRow) throws {
        let (id, itemID, metadataText): (UUID, UUID, String)
        (id, seq, itemID, collection, title, contentType, metadataText, pages, chunks, embedder, createdAt, updatedAt) =
            try row.decode((UUID, Int64, UUID, String, String, String, String, Int?, Int, String, Date, Date).self)
        self.id = id.lowercased
        self.itemID = itemID.lowercased
        metadata = (try? JSONDecoder().decode(AnyJSON.self, from: Data(metadataText.utf8))) ?? .object([:])
    }

    enum CodingKeys: String, CodingKey {
        case id, collection, title, metadata, pages, chunks, embedder
        case itemID = "item_id"
        case contentType = "content_type"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static var fieldConstraints: [String: FieldConstraint] { ["id": .format("uuid"), "item_id": .format("uuid"), "metadata": .kind(.object)] }
}

/// A collection with how much it holds, for `GET /v1/collections`.
struct CollectionView: APIModel {
    let name: String
    let documents: Int
    let chunks: Int
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case name, documents, chunks
        case createdAt = "created_at"
    }
}
