import Foundation
import Hummingbird
import IngestionService
import NIOConcurrencyHelpers
import NIOCore
import RAGService
import ServiceKit
import TestSupport
import Testing

/// rag end to end: documents uploaded to ingestion are indexed by rag's worker (real
/// PostgreSQL with pgvector, a private Redis, the real MiniLM model) and searched and
/// answered over HTTP. The documents are the CamlIDL manual from Debian's camlidl-doc (its
/// PDF and one HTML chapter) and Markdown written here.
@Suite struct RAGTests {
    /// ingestion and rag in this process over one fresh database and a Redis of their own
    /// (so no other test's worker takes their jobs).
    static func withStack(settings: [String: String] = [:], _ body: @Sendable (Stack) async throws -> Void) async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let database = try await TestDatabase.fresh()
        let shared = ["DATABASE_URL": database, "REDIS_URL": redis.url]
        do {
            try await RunningService.with(IngestionService.definition, settings: shared, waitForReady: true) { ingestion in
                let ragSettings = shared.merging(["INGESTION_URL": ingestion.baseURL, "JOB_MAX_ATTEMPTS": "2"]) { $1 }.merging(settings) { $1 }
                try await RunningService.with(RAGService.definition, settings: ragSettings, waitForReady: true) { rag in
                    try await body(Stack(ingestion: ingestion, rag: rag, redis: redis, ragSettings: ragSettings))
                }
            }
        } catch {
            await redis.kill()
            throw error
        }
        await redis.kill()
    }

    struct Stack: Sendable {
        let ingestion: RunningService
        let rag: RunningService
        let redis: RedisServerProcess
        /// What rag was started with, for a second rag over the same stack.
        let ragSettings: [String: String]

        /// Uploads a file to ingestion and returns its `{item_id, job_id}`.
        func upload(_ bytes: [UInt8], contentType: String, title: String, collection: String) async throws -> (item: String, job: String) {
            let form = Uploads.multipart([
                (name: "file", filename: title, contentType: contentType, body: bytes),
                (name: "title", filename: nil, contentType: nil, body: Array(title.utf8)),
                (name: "collection", filename: nil, contentType: nil, body: Array(collection.utf8)),
            ])
            let response = try await ingestion.post("/v1/documents", contentType: form.contentType, body: form.body)
            #expect(response.status == 202, "\(response.body)")
            let json = try response.json
            return (try #require(json["item_id"] as? String), try #require(json["job_id"] as? String))
        }

        /// Uploads text with metadata as JSON.
        func upload(text: String, title: String, collection: String, metadata: String = "{}") async throws -> (item: String, job: String) {
            let body =
                #"{"title": "\#(title)", "collection": "\#(collection)", "metadata": \#(metadata), "text": \#(String(decoding: try JSONEncoder().encode(text), as: UTF8.self))}"#
            let response = try await ingestion.send(.POST, "/v1/documents", headers: [("Content-Type", "application/json")], body: body)
            #expect(response.status == 202, "\(response.body)")
            let json = try response.json
            return (try #require(json["item_id"] as? String), try #require(json["job_id"] as? String))
        }

        /// The job's `result` once it is done.
        func indexed(_ job: String) async throws -> [String: Any] {
            let done = try await ingestion.waitForJob(job, status: "done", timeout: .seconds(120))
            return try #require(done["result"] as? [String: Any], "\(done)")
        }

        func search(_ body: String) async throws -> [[String: Any]] {
            let response = try await rag.send(.POST, "/v1/search", headers: [("Content-Type", "application/json")], body: body)
            #expect(response.status == 200, "\(response.body)")
            return try #require(try response.json["results"] as? [[String: Any]])
        }
    }

    static let notes = """
        # Release checklist

        Before a release, the on-call engineer freezes the main branch and tags the build.

        ## Rollback

        If error rates climb after a deploy, revert to the previous tag with the zanzibar-rollback tool and post in the incident channel.
        """

    @Test func indexesAPDFAnHTMLChapterAndMarkdownAndFindsPassagesEachWay() async throws {
        try await Self.withStack { stack in
            let pdf = try await stack.upload(try PDFFixtures.manual(), contentType: "application/pdf", title: "CamlIDL manual", collection: "manual")
            let html = try await stack.upload(
                try PDFFixtures.htmlChapter(),
                contentType: "text/html",
                title: "Hints on writing IDL files",
                collection: "html"
            )
            let markdown = try await stack.upload(Array(Self.notes.utf8), contentType: "text/markdown", title: "Release notes", collection: "notes")

            let pdfResult = try await stack.indexed(pdf.job)
            #expect(pdfResult["pages"] as? Int == 26)
            #expect((pdfResult["chunks"] as? Int ?? 0) > 26, "\(pdfResult)")
            let pdfDocument = try #require(pdfResult["document_id"] as? String)
            #expect((try await stack.indexed(html.job)["chunks"] as? Int ?? 0) >= 2)
            // A chunk never spans two sections: one per heading here.
            #expect(try await stack.indexed(markdown.job)["chunks"] as? Int == 2)

            // A rare exact term: keyword search finds the one page that has it (the COM reading list, page 2).
            let rare = try await stack.search(#"{"query": "Rogerson", "collection": "manual", "mode": "keyword"}"#)
            #expect(rare.count == 1, "\(rare)")
            #expect(rare.first?["page"] as? Int == 2)
            #expect(rare.first?["document_id"] as? String == pdfDocument)
            #expect(rare.first?["item_id"] as? String == pdf.item)
            #expect(rare.first?["title"] as? String == "CamlIDL manual")

            // A paraphrase sharing few words with the text: vector search finds the [managed] big array passage on page 10.
            let paraphrase = #"Who releases the C memory behind a Caml big array once nothing can reach it?"#
            let byMeaning = try await stack.search(#"{"query": "\#(paraphrase)", "collection": "manual", "mode": "vector", "top_k": 3}"#)
            #expect(
                byMeaning.contains {
                    $0["page"] as? Int == 10 && ($0["text"] as? String)?.contains("garbage collector will free the C array") == true
                },
                "\(byMeaning.map { $0["page"] ?? "" })"
            )
            #expect(byMeaning.allSatisfy { $0["keyword_rank"] == nil })

            // Hybrid fuses both rankings: the one chunk the keyword ranking finds leads, next to chunks only the vector ranking found.
            let hybrid = try await stack.search(#"{"query": "Rogerson", "collection": "manual", "top_k": 5}"#)
            #expect(hybrid.first?["page"] as? Int == 2)
            #expect(hybrid.first?["keyword_rank"] as? Int == 1)
            #expect(hybrid.dropFirst().contains { $0["keyword_rank"] == nil && $0["vector_rank"] is Int })

            // HTML keeps its headings; Markdown its section titles.
            let html6 = try await stack.search(#"{"query": "d_reclen", "collection": "html", "mode": "keyword"}"#)
            #expect((html6.first?["heading"] as? String)?.contains("Writing an IDL file for a C library") == true, "\(html6)")
            let rollback = try await stack.search(#"{"query": "zanzibar-rollback", "collection": "notes"}"#)
            #expect(rollback.first?["heading"] as? String == "Rollback", "\(rollback)")
            #expect(rollback.first?["page"] == nil, "a Markdown chunk has no page")

            // The answer quotes the page that says it, and cites it.
            let answer = try await stack.rag.send(
                .POST,
                "/v1/answer",
                headers: [("Content-Type", "application/json")],
                body: #"{"question": "\#(paraphrase)", "collection": "manual"}"#
            )
            #expect(answer.status == 200, "\(answer.body)")
            let answerJSON = try answer.json
            #expect(answerJSON["mode"] as? String == "extractive")
            #expect(answerJSON["found"] as? Bool == true)
            let citations = try #require(answerJSON["citations"] as? [[String: Any]])
            #expect(citations.contains { $0["page"] as? Int == 10 && $0["document_id"] as? String == pdfDocument }, "\(answerJSON)")
            #expect((answerJSON["answer"] as? String)?.contains("[1]") == true)

            let collections = try #require(try await stack.rag.send(.GET, "/v1/collections").json["collections"] as? [[String: Any]])
            #expect(collections.map { $0["name"] as? String } == ["html", "manual", "notes"])
            let document = try await stack.rag.send(.GET, "/v1/documents/\(pdfDocument)").json
            #expect(document["pages"] as? Int == 26)
            #expect(document["chunks"] as? Int == pdfResult["chunks"] as? Int)
            #expect(document["embedder"] as? String == "all-MiniLM-L6-v2")

            let metrics = try await stack.rag.metricSamples()
            #expect(metrics["rag_search_duration_seconds_count{mode=\"keyword\"}"] == 2)
            #expect(metrics["rag_answer_total{mode=\"extractive\",degraded=\"false\"}"] == 1)
            #expect(metrics["rag_index_chunks_total"] ?? 0 >= Double(pdfResult["chunks"] as? Int ?? 0))
        }
    }

    @Test func anUnrelatedQuestionGetsAnHonestNotFound() async throws {
        try await Self.withStack { stack in
            _ = try await stack.indexed(try await stack.upload(text: Self.notes, title: "Release notes", collection: "notes").job)
            let answer = try await stack.rag.send(
                .POST,
                "/v1/answer",
                headers: [("Content-Type", "application/json")],
                body: #"{"question": "Which river flows through Lima, the capital of Peru?"}"#
            ).json
            #expect(answer["found"] as? Bool == false, "\(answer)")
            #expect((answer["citations"] as? [Any])?.isEmpty == true)
            #expect(answer["answer"] as? String == "No answer was found in the documents.")
        }
    }

    @Test func metadataFiltersAndCollectionsScopeASearch() async throws {
        try await Self.withStack { stack in
            let payments = try await stack.upload(
                text: "Refunds over 500 euros need a second approver from finance.",
                title: "Refunds",
                collection: "policies",
                metadata: #"{"team": "payments", "tier": 1}"#
            )
            let platform = try await stack.upload(
                text: "Refunds of compute credits are granted by the platform lead.",
                title: "Credits",
                collection: "policies",
                metadata: #"{"team": "platform"}"#
            )
            _ = try await stack.indexed(payments.job)
            _ = try await stack.indexed(platform.job)
            let onlyPayments = try await stack.search(#"{"query": "who approves refunds", "filter": {"team": "payments"}}"#)
            #expect(onlyPayments.map { $0["item_id"] as? String } == [payments.item])
            #expect((onlyPayments.first?["metadata"] as? [String: Any])?["tier"] as? Int == 1)
            #expect(try await stack.search(#"{"query": "who approves refunds", "filter": {"team": "nobody"}}"#).isEmpty)
            #expect(try await stack.search(#"{"query": "who approves refunds", "collection": "elsewhere"}"#).isEmpty)
            #expect(try await stack.search(#"{"query": "who approves refunds", "collection": "policies"}"#).count == 2)
        }
    }

    @Test func unreadableDocumentsEndDeadWithAReasonAndLeaveNothingStored() async throws {
        try await Self.withStack { stack in
            let cases: [(bytes: [UInt8], type: String, reason: String)] = [
                (try PDFFixtures.encryptedManual(), "application/pdf", "encrypted"),
                (try PDFFixtures.imageOnly(), "application/pdf", "text layer"),
                (try PDFFixtures.zeroPages(), "application/pdf", "no pages"),
                (try PDFFixtures.truncatedManual(), "application/pdf", "damaged or truncated"),
                (
                    Array("<html><head><script>var a = 1;</script><style>p {}</style></head><body><script>run()</script></body></html>".utf8),
                    "text/html", "no visible text"
                ),
            ]
            for (index, item) in cases.enumerated() {
                let upload = try await stack.upload(item.bytes, contentType: item.type, title: "broken \(index)", collection: "broken")
                let dead = try await stack.ingestion.waitForJob(upload.job, status: "dead", timeout: .seconds(60))
                #expect((dead["error"] as? String)?.contains(item.reason) == true, "\(item.reason): \(dead)")
                // Unreadable is final: the job is not retried.
                #expect(dead["attempts"] as? Int == 1, "\(dead)")
            }
            let documents = try #require(try await stack.rag.send(.GET, "/v1/documents").json["documents"] as? [Any])
            #expect(documents.isEmpty)
            #expect(try await stack.search(#"{"query": "anything at all"}"#).isEmpty)
        }
    }

    @Test func reindexingIsIdempotentDuplicatesAreCopiedAndDeletionRemovesChunks() async throws {
        try await Self.withStack { stack in
            let first = try await stack.upload(text: Self.notes, title: "Release notes", collection: "notes")
            let firstResult = try await stack.indexed(first.job)
            let documentID = try #require(firstResult["document_id"] as? String)
            #expect(firstResult["reused"] as? Bool == false)

            // The same job delivered again (a retry after a crash) changes nothing.
            let payload = #"{"job_id":"\#(first.job)","kind":"rag.index","item_id":"\#(first.item)","content_type":"text/markdown"}"#
            let statusStream = "jobs:status:\(first.job)"
            let eventsBefore = try await Self.length(of: statusStream, in: stack.redis)
            _ = try await stack.redis.cli(["XADD", "jobs:rag.index", "*", "job_id", first.job, "attempt", "1", "payload", payload])
            let deadline = ContinuousClock.now + .seconds(30)
            // processing, then done, once more.
            while try await Self.length(of: statusStream, in: stack.redis) < eventsBefore + 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await Self.length(of: statusStream, in: stack.redis) == eventsBefore + 2)
            let again = try await stack.ingestion.waitForJob(first.job, status: "done")
            #expect((again["result"] as? [String: Any])?["document_id"] as? String == documentID)
            let samplesBefore = try await stack.rag.metricSamples()
            #expect(samplesBefore["rag_index_duration_seconds_count"] == 1, "the unchanged document was indexed again")

            // The same content as another item of the collection is copied, not embedded again.
            let twin = try await stack.upload(text: Self.notes, title: "Release notes (copy)", collection: "notes")
            let twinResult = try await stack.indexed(twin.job)
            #expect(twinResult["reused"] as? Bool == true)
            #expect(twinResult["chunks"] as? Int == firstResult["chunks"] as? Int)
            #expect(twinResult["document_id"] as? String != documentID)
            let notes = try #require(try await stack.rag.send(.GET, "/v1/collections").json["collections"] as? [[String: Any]]).first
            #expect(notes?["documents"] as? Int == 2)
            #expect(notes?["chunks"] as? Int == 2 * (firstResult["chunks"] as? Int ?? 0))
            #expect(
                try await stack.rag.metricSamples()["rag_index_chunks_total"] == (samplesBefore["rag_index_chunks_total"] ?? 0)
                    + Double(twinResult["chunks"] as? Int ?? 0)
            )

            // Deleting a document takes its chunks out of every search.
            #expect(try await stack.rag.send(.DELETE, "/v1/documents/\(documentID)").status == 204)
            #expect(try await stack.rag.send(.GET, "/v1/documents/\(documentID)").status == 404)
            #expect(try await stack.rag.send(.DELETE, "/v1/documents/\(documentID)").status == 404)
            let left = try await stack.search(#"{"query": "zanzibar-rollback", "top_k": 50}"#)
            #expect(!left.isEmpty)
            #expect(left.allSatisfy { $0["document_id"] as? String != documentID })
        }
    }

    static func length(of stream: String, in redis: RedisServerProcess) async throws -> Int {
        Int(try await redis.cli(["XLEN", stream]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    @Test func badSearchesAndPagesAre422sNamingTheField() async throws {
        try await Self.withStack { stack in
            let cases: [(String, String)] = [
                (#"{"query": ""}"#, "query"), (#"{"query": "  "}"#, "query"), (#"{}"#, "query"), (#"{"query": 7}"#, "query"),
                (#"{"query": "x", "top_k": 0}"#, "top_k"), (#"{"query": "x", "top_k": 51}"#, "top_k"),
                (#"{"query": "x", "mode": "fuzzy"}"#, "mode"), (#"{"query": "x", "filter": [1]}"#, "filter"),
                (#"{"query": "x", "collection": ""}"#, "collection"),
            ]
            for (body, field) in cases {
                let response = try await stack.rag.send(.POST, "/v1/search", headers: [("Content-Type", "application/json")], body: body)
                #expect(response.status == 422, "\(body): \(response.body)")
                let fields = (try response.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
                #expect(fields == [field], "\(body): \(response.body)")
            }
            let question = try await stack.rag.send(.POST, "/v1/answer", headers: [("Content-Type", "application/json")], body: #"{"question": ""}"#)
            #expect(question.status == 422)
            #expect((try question.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "question")
            #expect(try await stack.rag.send(.GET, "/v1/documents?limit=0").status == 422)
            #expect(try await stack.rag.send(.GET, "/v1/documents?cursor=abc").status == 422)
            #expect(try await stack.rag.send(.GET, "/v1/documents/not-an-id").status == 404)
        }
    }

    @Test func aConfiguredModelAnswersWithItsCitationsAndAFailingOneDegradesToExtractive() async throws {
        let standIn = ChatStandIn()
        try await RunningService.with(standIn.definition) { provider in
            let openAI = [
                "OPENAI_BASE_URL": provider.baseURL + "/v1", "OPENAI_CHAT_MODEL": "grounded",
                "TIMEOUT_OPENAI_SECONDS": "1", "PROVIDER_TOTAL_BUDGET_SECONDS": "2", "RETRY_MAX_ATTEMPTS": "2",
                // Both chunks of the notes are sources, however far from the question.
                "RAG_MIN_SCORE": "-1",
            ]
            try await Self.withStack(settings: openAI) { stack in
                // As Markdown, so each section is a chunk of its own: two sources.
                _ = try await stack.indexed(
                    try await stack.upload(Array(Self.notes.utf8), contentType: "text/markdown", title: "Release notes", collection: "notes").job
                )
                let question = #"{"question": "Which tool reverts a bad deploy?", "collection": "notes"}"#
                let generated = try await stack.rag.send(.POST, "/v1/answer", headers: [("Content-Type", "application/json")], body: question)
                #expect(generated.status == 200, "\(generated.body)")
                let answer = try generated.json
                #expect(answer["mode"] as? String == "generative", "\(answer)")
                #expect(answer["degraded"] as? Bool == false)
                // The model cited sources 2 and 1, and 9, which it was never given: the citations are 2 then 1, renumbered.
                let citations = try #require(answer["citations"] as? [[String: Any]])
                #expect(citations.count == 2, "\(answer)")
                #expect(answer["answer"] as? String == "Revert with the rollback tool [1]. Freeze first [2].", "\(answer)")
                #expect(citations.first?["quote"] as? String != nil)
                // The model saw the retrieved chunk and the question.
                let prompt = try #require(standIn.bodies.withLockedValue { $0.last })
                #expect(prompt.contains("zanzibar-rollback") && prompt.contains("Which tool reverts a bad deploy?"))

                for failure in ["broken", "hang", "uncited"] {
                    let settings = stack.ragSettings.merging(["OPENAI_CHAT_MODEL": failure]) { $1 }
                    try await RunningService.with(RAGService.definition, settings: settings, waitForReady: true) { rag in
                        let started = ContinuousClock.now
                        let response = try await rag.send(.POST, "/v1/answer", headers: [("Content-Type", "application/json")], body: question)
                        #expect(response.status == 200, "\(failure): \(response.body)")
                        let fallback = try response.json
                        #expect(fallback["mode"] as? String == "extractive", "\(failure): \(fallback)")
                        #expect(fallback["degraded"] as? Bool == true, "\(failure)")
                        #expect(fallback["found"] as? Bool == true, "\(failure)")
                        #expect(ContinuousClock.now - started < .seconds(10), "\(failure)")
                        let metrics = try await rag.metricSamples()
                        #expect(metrics["rag_answer_total{mode=\"extractive\",degraded=\"true\"}"] == 1, "\(failure)")
                    }
                }
            }
        }
    }
}

/// An OpenAI-compatible chat server on loopback; the requested model picks its reply:
/// `grounded` cites sources 2, 1 and a source it was never given (9), `uncited` cites none,
/// `broken` answers 500, `hang` answers after 30 s.
final class ChatStandIn: Sendable {
    let bodies = NIOLockedValueBox([String]())

    var definition: ServiceDefinition {
        let bodies = self.bodies
        return ServiceDefinition(
            name: "chat_standin",
            defaultPort: 0,
            requiredDependencies: [],
            addRoutes: { routes in
                routes.post("/v1/chat/completions", summary: "Chat completions.", responses: [.ok: "A completion."]) { request, _ in
                    let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                    bodies.withLockedValue { $0.append(body) }
                    let model = ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["model"] as? String
                    let content: String
                    switch model {
                    case "grounded": content = "Revert with the rollback tool [2]. Freeze first [1][9]."
                    case "uncited": content = "Probably some rollback tool."
                    case "hang":
                        try await Task.sleep(for: .seconds(30))
                        content = "late"
                    default: return Response(status: .internalServerError)
                    }
                    let reply =
                        [
                            "id": "chatcmpl-1", "model": model ?? "",
                            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
                        ] as [String: Any]
                    return Response(
                        status: .ok,
                        headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: reply)))
                    )
                }
            }
        )
    }
}
