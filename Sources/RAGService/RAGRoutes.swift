import Foundation
import Hummingbird
import Inference
import Logging
import ServiceKit

/// rag's endpoints: search and answers over the indexed chunks, and the documents and
/// collections behind them.
struct RAGRoutes: Sendable {
    let search: ChunkSearch
    let embedder: any SentenceEmbedder
    let answerer: ExtractiveAnswerer
    /// The configured OpenAI-compatible model, if any.
    let generative: GenerativeAnswerer?
    let store: DocumentStore
    let metrics: RAGMetrics
    let logger: Logger

    /// `POST /v1/answer`'s `top_k` when none is given.
    static let answerTopK = 5

    static let collection = QueryParameter<String>.string("collection", length: 1...200).describing("Only this collection's documents.")
    static let limit = QueryParameter<Int>.limit(max: 200).describing("Documents per page; 50 when absent.")
    static let cursor = QueryParameter<Int64>.sequenceCursor

    static func add(
        to routes: ServiceRoutes,
        embedder: any SentenceEmbedder,
        generative: GenerativeAnswerer?,
        settings: RAGSettings,
        metrics: RAGMetrics
    ) {
        let environment = routes.environment
        /// Every route needs the database, so each answers 503 until it is there and migrated.
        func using<Output: ResponseGenerator & Sendable>(
            _ body: @escaping @Sendable (RAGRoutes, Request, ServiceRequestContext) async throws -> Output
        ) -> @Sendable (Request, ServiceRequestContext) async throws -> Output {
            { request, context in
                let database = try environment.requireDatabase()
                let handlers = RAGRoutes(
                    search: ChunkSearch(database: database, efSearch: settings.efSearch, vectorWeight: settings.vectorWeight),
                    embedder: embedder,
                    answerer: ExtractiveAnswerer(embedder: embedder, minScore: settings.minScore),
                    generative: generative,
                    store: DocumentStore(database: database),
                    metrics: metrics,
                    logger: environment.logger
                )
                return try await body(handlers, request, context)
            }
        }

        routes.post(
            "/v1/search",
            summary: "Ranked chunks for a query: hybrid (reciprocal rank fusion of vector and keyword), vector or keyword.",
            body: .json(SearchRequest.self),
            responses: [
                .ok: .json(SearchResults.self, "The chunks, best first."),
                .unprocessableContent: "Invalid fields, each named.",
            ],
            idempotent: true,
            handler: using { try await $0.search($1, $2) }
        )
        routes.post(
            "/v1/answer",
            summary: "An answer to a question from the documents, with citations ([n] in the answer is the n-th).",
            body: .json(AnswerRequest.self),
            responses: [
                .ok: .json(Answer.self, "The answer; a failing model degrades to the extractive answer, never an error."),
                .unprocessableContent: "Invalid fields, each named.",
            ],
            idempotent: true,
            handler: using { try await $0.answer($1, $2) }
        )
        routes.get(
            "/v1/collections",
            summary: "Every collection with its document and chunk counts.",
            responses: [.ok: .json(CollectionList.self, "The collections.")],
            handler: using { handlers, _, _ in
                CollectionList(collections: try await handlers.store.collections())
            }
        )
        routes.get(
            "/v1/documents",
            summary: "Indexed documents, newest first.",
            query: [Self.collection, Self.limit, Self.cursor],
            responses: [.ok: .json(DocumentPage.self, "A page of documents."), .unprocessableContent: "Invalid query."],
            handler: using { try await $0.documents($1, $2) }
        )
        routes.get(
            "/v1/documents/{id}",
            summary: "A document with its chunk count and pages.",
            responses: [.ok: .json(DocumentView.self, "The document."), .notFound: "No such document."],
            handler: using { handlers, _, context in
                guard let document = try await handlers.store.document(try Self.id(context)) else {
                    throw HTTPError(.notFound, message: "No such document.")
                }
                return document
            }
        )
        routes.on(
            .delete,
            "/v1/documents/{id}",
            summary: "Deletes a document and its chunks; searches no longer return them.",
            responses: [.noContent: "Deleted.", .notFound: "No such document."],
            handler: using { handlers, _, context in
                guard try await handlers.store.delete(try Self.id(context)) else { throw HTTPError(.notFound, message: "No such document.") }
                return Response(status: .noContent)
            }
        )
    }

    static func id(_ context: ServiceRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw HTTPError(.notFound, message: "No such document.")
        }
        return id
    }

    // MARK: retrieval

    struct SearchResults: APIModel, ResponseEncodable {
        let results: [SearchHit]
    }

    func search(_ request: Request, _ context: ServiceRequestContext) async throws -> SearchResults {
        let query = try await request.decodeJSON(as: SearchRequest.self, context: context).validated()
        return SearchResults(results: try await retrieve(query).hits)
    }

    struct AnswerRequest: APIModel {
        let question: String
        let collection: String?
        let filter: AnyJSON?
        let topK: Int?

        enum CodingKeys: String, CodingKey {
            case question, collection, filter
            case topK = "top_k"
        }

        static var fieldConstraints: [String: FieldConstraint] {
            [
                "question": .length(1...SearchRequest.maxQueryCharacters), "collection": SearchRequest.collectionRule,
                "filter": SearchRequest.filterRule,
                "top_k": SearchRequest.topKRule.describing("How many chunks to answer from; \(answerTopK) when absent."),
            ]
        }
    }

    func answer(_ request: Request, _ context: ServiceRequestContext) async throws -> Answer {
        let body = try await request.decodeJSON(as: AnswerRequest.self, context: context)
        let query: ChunkQuery
        do {
            query = try SearchRequest(
                query: body.question,
                collection: body.collection,
                filter: body.filter,
                topK: body.topK ?? Self.answerTopK,
                mode: .hybrid
            ).validated()
        } catch {
            throw ValidationError(
                fields: error.fields.map { FieldError(field: $0.field == "query" ? "question" : $0.field, message: $0.message) },
                detail: "The question is not valid."
            )
        }
        let (hits, vector) = try await retrieve(query)
        let answer = try await compose(body.question, vector: vector ?? [], hits: hits)
        metrics.recordAnswer(mode: answer.mode, degraded: answer.degraded)
        return answer
    }

    /// The model's answer when one is configured and the documents hold an answer; the
    /// extractive one otherwise, marked degraded when the model failed or cited nothing.
    private func compose(_ question: String, vector: [Float], hits: [SearchHit]) async throws -> Answer {
        let sources = hits.filter { ($0.similarity ?? 0) >= answerer.minScore }
        guard let generative, !sources.isEmpty else { return try await answerer.answer(vector, hits: hits, degraded: false) }
        do {
            if let answer = try await generative.answer(question, sources: sources) { return answer }
            logger.warning("the model's answer cited none of the sources; answering extractively")
        } catch {
            logger.warning("the model did not answer; answering extractively", metadata: ["error": "\(error)"])
        }
        return try await answerer.answer(vector, hits: hits, degraded: true)
    }

    /// The ranked chunks and, unless keyword-only, the query's embedding.
    private func retrieve(_ query: ChunkQuery) async throws -> (hits: [SearchHit], vector: [Float]?) {
        let started = ContinuousClock.now
        let vector = query.mode == .keyword ? nil : try await embedder.embed([query.text]).first
        let hits = try await search.search(query, vector: vector)
        metrics.recordSearch(mode: query.mode, duration: ContinuousClock.now - started)
        return (hits, vector)
    }

    // MARK: documents

    struct CollectionList: APIModel, ResponseEncodable {
        let collections: [CollectionView]
    }

    struct DocumentPage: APIModel, ResponseEncodable {
        let documents: [DocumentView]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case documents
            case nextCursor = "next_cursor"
        }
    }

    func documents(_ request: Request, _ context: ServiceRequestContext) async throws -> DocumentPage {
        var query = ListQuery(request)
        let collection = query.value(Self.collection)
        let limit = query.value(Self.limit) ?? 50
        let cursor = query.value(Self.cursor)
        try query.validated()
        let documents = try await store.documents(collection: collection, limit: limit, before: cursor)
        return DocumentPage(documents: documents, nextCursor: ListQuery.nextSequenceCursor(of: documents, limit: limit, sequence: \.seq))
    }
}
