import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceKit

/// Reads items from ingestion over HTTP (`GET /v1/items/{id}` and its `/content`) with the
/// service API key, through a resilience policy; the request id and trace travel along.
/// What the workers of `jobs:rag.index` and `jobs:asr` fetch their items with.
public struct IngestionItems: Sendable {
    /// An item as a job worker needs it.
    public struct Item: Sendable {
        public let title: String?
        /// Nil or empty when the upload named none.
        public let collection: String?
        public let contentType: String
        /// The item's metadata object, as JSON text.
        public let metadataJSON: String
        public let content: [UInt8]
    }

    let baseURL: String
    let apiKey: String?
    let http: OutboundHTTP
    let policy: ResiliencePolicy

    /// `baseURL` without a trailing slash; `http` caps the size of an item's content.
    public init(baseURL: String, apiKey: String?, http: OutboundHTTP, policy: ResiliencePolicy) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.http = http
        self.policy = policy
    }

    /// The item, or a ``PermanentJobFailure`` when ingestion says it does not exist (deleted,
    /// or a job that outlived its item). Outages throw what the policy gave up with, so the
    /// job is retried later.
    public func item(_ id: String) async throws -> Item {
        async let metadataReply = get("/v1/items/\(id)")
        async let contentReply = get("/v1/items/\(id)/content")
        let (metadata, content) = try await (metadataReply, contentReply)
        struct Metadata: Decodable {
            let title: String?
            let collection: String?
            let contentType: String
            let metadata: AnyJSON?

            enum CodingKeys: String, CodingKey {
                case title, collection, metadata
                case contentType = "content_type"
            }
        }
        let decoded: Metadata
        do {
            decoded = try JSONDecoder().decode(Metadata.self, from: Data(metadata.body.readableBytesView))
        } catch {
            throw PermanentJobFailure("ingestion answered item \(id) with metadata that is not an item: \(error)")
        }
        let metadataJSON = try decoded.metadata.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) } ?? "{}"
        return Item(
            title: decoded.title,
            collection: decoded.collection,
            contentType: decoded.contentType,
            metadataJSON: metadataJSON,
            content: Array(content.body.readableBytesView)
        )
    }

    private func get(_ path: String) async throws -> OutboundHTTP.Reply {
        var headers = HTTPHeaders()
        if let apiKey { headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        let (url, http) = (baseURL + path, self.http)
        let timeout = policy.settings.attemptTimeout
        do {
            return try await policy.execute { [headers] _ in
                var request = HTTPClientRequest(url: url)
                request.headers = headers
                return try await http.send(request, timeout: timeout).requireSuccess()
            }
        } catch ProviderCallError.failed(let failure, _) where failure.status == 404 {
            throw PermanentJobFailure("The item is no longer in ingestion (\(path) answered 404).")
        }
    }
}
