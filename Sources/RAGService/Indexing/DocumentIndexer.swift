import Crypto
import DocumentText
import Foundation
import Inference
import Logging
import ServiceKit
import ServiceKitHTTPClient

/// The handler of `jobs:rag.index`: fetches the item from ingestion, extracts its text,
/// chunks and embeds it, and stores document and chunks in one transaction. The job's
/// result is `{document_id, chunks, pages, reused}`.
///
/// Idempotent: a job run again for unchanged content changes nothing, new content replaces
/// the item's chunks whole, and content already indexed in the collection (same SHA-256) is
/// copied rather than embedded again. An unreadable document ends the job `dead` with the
/// extraction's reason.
struct DocumentIndexer: Sendable {
    let items: IngestionItems
    let store: DocumentStore
    let extractor: DocumentExtractor
    let chunker: Chunker
    let embedder: any SentenceEmbedder
    let metrics: RAGMetrics
    let logger: Logger

    /// Where a document goes when its upload named no collection.
    static let defaultCollection = "default"

    func handle(_ job: Job) async throws -> String? {
        let itemID = try ItemJobPayload.itemID(of: job)
        let indexed = try await index(itemID: itemID)
        return String(decoding: try JSONEncoder().encode(indexed), as: UTF8.self)
    }

    func index(itemID: UUID) async throws -> DocumentStore.Indexed {
        let started = ContinuousClock.now
        let item = try await items.item(itemID.lowercased)
        let hash = Array(SHA256.hash(data: item.content))
        if let unchanged = try await store.unchanged(itemID: itemID, contentSHA256: hash) { return unchanged }

        guard let format = DocumentFormat(contentType: item.contentType) else {
            throw PermanentJobFailure("rag does not read \(item.contentType) documents (PDF, HTML, Markdown and plain text only).")
        }
        let text: ExtractedText
        do {
            text = try await extractor.extract(item.content, format: format)
        } catch let error as ExtractionError {
            throw PermanentJobFailure(error.reason)
        }
        let document = DocumentStore.NewDocument(
            itemID: itemID,
            collection: item.collection.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultCollection,
            title: item.title ?? "untitled",
            contentType: format.rawValue,
            metadataJSON: item.metadataJSON,
            contentSHA256: hash,
            pages: text.pageCount,
            embedder: embedder.modelName
        )
        let indexed: DocumentStore.Indexed
        if let twin = try await store.twin(of: document) {
            indexed = try await store.replace(document, copyingChunksOf: twin)
        } else {
            let chunks = chunker.chunks(of: text)
            guard !chunks.isEmpty else { throw PermanentJobFailure(ExtractionError.noText(format: format).reason) }
            let embeddings = try await embedder.embed(chunks.map(\.text))
            indexed = try await store.replace(document, chunks: chunks, embeddings: embeddings)
        }
        metrics.recordIndexed(chunks: indexed.chunks, duration: ContinuousClock.now - started)
        logger.info(
            "document indexed",
            metadata: [
                "item_id": "\(itemID.lowercased)", "document_id": "\(indexed.documentID)", "chunks": "\(indexed.chunks)",
                "reused": "\(indexed.reused)",
            ]
        )
        return indexed
    }
}
