import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceKit

/// Ingestion's endpoints: uploads of documents, audio and events, and reads of items, jobs
/// and job events.
struct IngestionRoutes {
    let store: IngestionStore
    let relay: JobOutboxRelay?
    let queue: JobQueue?
    let logger: Logger
    /// The longest an event stream stays silent: proxies close connections idle for longer than their timeout.
    let heartbeat: Duration

    static func add(to routes: ServiceRoutes, relay: JobOutboxRelay?, queue: JobQueue?) throws {
        let maxAudioBytes = try routes.environment.config.int("MAX_AUDIO_BYTES", default: 25 << 20, range: 1...Int(Int32.max))
        let heartbeat = try routes.environment.config.seconds("SSE_HEARTBEAT_SECONDS", default: 15)
        let environment = routes.environment
        /// Every route needs the database, so each answers 503 until it is there and migrated.
        func using<Output: ResponseGenerator & Sendable>(
            _ body: @escaping @Sendable (IngestionRoutes, Request, ServiceRequestContext) async throws -> Output
        ) -> @Sendable (Request, ServiceRequestContext) async throws -> Output {
            { request, context in
                let handlers = IngestionRoutes(
                    store: IngestionStore(database: try environment.requireDatabase()),
                    relay: relay,
                    queue: queue,
                    logger: environment.logger,
                    heartbeat: heartbeat
                )
                return try await body(handlers, request, context)
            }
        }

        routes.post(
            "/v1/documents",
            summary: "Stores a document (JSON, or multipart with a file part) and queues it for indexing.",
            body: .json(NewDocument.self).or(.multipart(files: ["file"], fields: ["title": .string, "collection": .string], required: ["file"])),
            responses: [
                .accepted: UploadAccepted.spec("Stored and queued for indexing."),
                .unsupportedMediaType: "Not text/plain, text/markdown, text/html or application/pdf, or the bytes do not match.",
            ],
            idempotent: true,
            handler: using { try await $0.postDocument($1, $2) }
        )
        routes.post(
            "/v1/audio",
            summary: "Stores a WAV (PCM) upload, as audio/wav or multipart, and queues it for transcription.",
            body: .bytes(["audio/wav"]).or(.multipart(files: ["file"], fields: ["title": .string], required: ["file"])),
            responses: [
                .accepted: UploadAccepted.spec("Stored and queued for transcription."), .unsupportedMediaType: "Not a WAV file.",
                .unprocessableContent: "A WAV file without a usable PCM stream.",
            ],
            bodyLimit: maxAudioBytes,
            idempotent: true,
            handler: using { try await $0.postAudio($1, $2) }
        )
        routes.post(
            "/v1/events",
            summary: "Records an event.",
            body: .json(NewEvent.self),
            responses: [.accepted: .json(EventRecorded.self, "Recorded.")],
            idempotent: true,
            handler: using { try await $0.postEvent($1, $2) }
        )
        routes.get(
            "/v1/events",
            summary: "Pages events in time order.",
            query: [Self.eventType, Self.since, Self.limit, Self.cursor],
            responses: [.ok: .json(EventPage.self, "A page of events; next_cursor is absent on the last.")],
            handler: using { try await $0.listEvents($1, $2) }
        )
        routes.get(
            "/v1/items/{id}",
            summary: "An item's metadata.",
            responses: [.ok: .json(ItemMetadata.self, "The item."), .notFound: "No such item."],
            handler: using { try await $0.item($1, $2) }
        )
        routes.get(
            "/v1/items/{id}/content",
            summary: "An item's original bytes, with their type.",
            responses: [.ok: .bytes(IngestionRoutes.storedMediaTypes, "The content, as an attachment."), .notFound: "No such item."],
            handler: using { try await $0.content($1, $2) }
        )
        routes.get(
            "/v1/jobs/{id}",
            summary: "A job and where it stands.",
            responses: [.ok: .json(JobView.self, "The job."), .notFound: "No such job."],
            handler: using { try await $0.job($1, $2) }
        )
        routes.get(
            "/v1/jobs/{id}/events",
            summary: "Server-Sent Events of a job's status changes; Last-Event-ID resumes; ends after done or dead.",
            responses: [.ok: .eventStream("`status` events: {job_id, status, attempt, error?, result?}."), .notFound: "No such job."],
            rateLimit: "30/minute",
            handler: using { try await $0.jobEvents($1, $2) }
        )
    }

    /// What `/v1/items/{id}/content` can answer with: the types uploads are stored as.
    static let storedMediaTypes = ["text/plain", "text/markdown", "text/html", "application/pdf", "audio/wav"]

    // MARK: uploads

    /// A document sent as JSON.
    struct NewDocument: APIModel {
        let title: String
        let text: String
        let collection: String?
        let metadata: AnyJSON?

        static var fieldConstraints: [String: FieldConstraint] {
            [
                "title": .length(1...500).pattern(#"\S"#), "text": .length(1...Int(Int32.max)), "collection": .length(1...200),
                "metadata": .kind(.object),
            ]
        }
    }

    func postDocument(_ request: Request, _ context: ServiceRequestContext) async throws -> JSONResponse<UploadAccepted> {
        let contentType = request.headers[.contentType]
        let body = Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        let item: IngestionStore.NewItem
        if let boundary = contentType.flatMap(MultipartForm.boundary(ofContentType:)) {
            let form = try MultipartForm(parsing: body, boundary: boundary)
            guard let file = form.part(named: "file") else { throw ValidationError(field: "file", message: "is required") }
            let mediaType = try Self.checkedDocumentType(ContentInspector.mediaType(file.contentType), bytes: file.body)
            let title = form.part(named: "title")?.text ?? file.filename ?? "untitled"
            item = .init(
                kind: "document",
                title: try Self.checkedTitle(title),
                collection: form.part(named: "collection")?.text,
                contentType: mediaType,
                content: file.body,
                metadataJSON: "{}"
            )
        } else if ContentInspector.mediaType(contentType) == "application/json" {
            let document = try request.decodeJSON(as: NewDocument.self, bodyBytes: body)
            let metadata = try document.metadata.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) } ?? "{}"
            item = .init(
                kind: "document",
                title: try Self.checkedTitle(document.title),
                collection: document.collection,
                contentType: "text/plain",
                content: Array(document.text.utf8),
                metadataJSON: metadata
            )
        } else {
            throw UnsupportedMediaType(detail: "Send application/json or multipart/form-data with a file part.")
        }
        return try await store(item, jobKind: "rag.index", stream: IngestionService.ragIndexStream)
    }

    func postAudio(_ request: Request, _ context: ServiceRequestContext) async throws -> JSONResponse<UploadAccepted> {
        let contentType = request.headers[.contentType]
        let body = Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        var audio = body
        var title: String?
        if let boundary = contentType.flatMap(MultipartForm.boundary(ofContentType:)) {
            let form = try MultipartForm(parsing: body, boundary: boundary)
            guard let file = form.part(named: "file") else { throw ValidationError(field: "file", message: "is required") }
            audio = file.body
            title = form.part(named: "title")?.text ?? file.filename
        } else if let mediaType = ContentInspector.mediaType(contentType),
            !["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"].contains(mediaType)
        {
            throw UnsupportedMediaType(detail: "\(mediaType) is not accepted; send audio/wav.")
        }
        let header: WAVHeader
        do {
            header = try WAVHeader(parsing: audio)
        } catch .notWAV {
            throw UnsupportedMediaType(detail: "The body is not a RIFF/WAVE file.")
        } catch .unsupported(let reason) {
            throw ValidationError(field: "body", message: "is a WAV file without a usable PCM stream: \(reason)")
        }
        let metadata =
            #"{"channels":\#(header.channels),"sample_rate":\#(header.sampleRate),"bits_per_sample":\#(header.bitsPerSample),"duration_seconds":\#(header.durationSeconds)}"#
        return try await store(
            .init(kind: "audio", title: title, collection: nil, contentType: "audio/wav", content: audio, metadataJSON: metadata),
            jobKind: "asr",
            stream: IngestionService.asrStream
        )
    }

    private func store(_ item: IngestionStore.NewItem, jobKind: String, stream: String) async throws -> JSONResponse<UploadAccepted> {
        let (itemID, jobID) = try await store.insert(item, jobKind: jobKind, stream: stream)
        do {
            try await relay?.enqueue(jobID)
        } catch {
            // Stored all the same: the relay's sweep enqueues it once Redis answers.
            logger.warning("job stored but not yet enqueued", metadata: ["job_id": "\(jobID.lowercased)", "error": "\(error)"])
        }
        return UploadAccepted.response(itemID: itemID, jobID: jobID)
    }

    static func checkedDocumentType(_ mediaType: String?, bytes: [UInt8]) throws -> String {
        guard let mediaType else { throw UnsupportedMediaType(detail: "The file part has no Content-Type.") }
        if let mismatch = ContentInspector.mismatch(bytes, mediaType: mediaType) {
            throw UnsupportedMediaType(detail: "Declared \(mediaType), but \(mismatch).")
        }
        return mediaType
    }

    static func checkedTitle(_ title: String) throws -> String {
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(trimmed.count) else { throw ValidationError(field: "title", message: "must be 1 to 500 characters") }
        return trimmed
    }

    // MARK: events

    /// An event as a client sends it.
    struct NewEvent: APIModel {
        let type: String
        let source: String
        let occurredAt: String
        let payload: AnyJSON

        enum CodingKeys: String, CodingKey {
            case type, source, payload
            case occurredAt = "occurred_at"
        }

        static var fieldConstraints: [String: FieldConstraint] {
            ["type": .length(1...200), "source": .length(1...200), "occurred_at": .format("date-time"), "payload": .kind(.object)]
        }
    }

    func postEvent(_ request: Request, _ context: ServiceRequestContext) async throws -> JSONResponse<EventRecorded> {
        let event = try await request.decodeJSON(as: NewEvent.self, context: context)
        guard let occurredAt = RFC3339.date(from: event.occurredAt) else {
            throw ValidationError(field: "occurred_at", message: "must be an RFC 3339 date-time")
        }
        let id = try await store.insert(
            .init(
                type: event.type,
                source: event.source,
                occurredAt: occurredAt,
                payloadJSON: String(decoding: try JSONEncoder().encode(event.payload), as: UTF8.self)
            )
        )
        return JSONResponse(EventRecorded(eventID: id.lowercased), status: .accepted)
    }

    static let eventType = QueryParameter<String>.string("type", length: 1...200)
    static let since = QueryParameter<Date>.dateTime("since")
    static let limit = QueryParameter<Int>.limit(max: 500).describing("Events per page; 50 when absent.")
    static let cursor = QueryParameter<EventCursor>(
        "cursor",
        schema: .pattern(EventCursor.pattern),
        message: "is not a cursor this service issued",
        parse: EventCursor.init(token:)
    )
    .describing("next_cursor of the previous page.")

    func listEvents(_ request: Request, _ context: ServiceRequestContext) async throws -> EventPage {
        var query = ListQuery(request)
        let type = query.value(Self.eventType)
        let limit = query.value(Self.limit) ?? 50
        let since = query.value(Self.since)
        let cursor = query.value(Self.cursor)
        try query.validated()
        let events = try await store.events(type: type, since: since, after: cursor, limit: limit)
        let next =
            events.count == limit
            ? events.last.flatMap { last in UUID(uuidString: last.id).map { EventCursor(occurredAt: last.occurredAt, id: $0).token } } : nil
        return EventPage(events: events, nextCursor: next)
    }

    // MARK: reads

    static func id(_ context: ServiceRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw HTTPError(.notFound, message: "No such resource.")
        }
        return id
    }

    func item(_ request: Request, _ context: ServiceRequestContext) async throws -> ItemMetadata {
        guard let item = try await store.item(try Self.id(context)) else { throw HTTPError(.notFound, message: "No such item.") }
        return item
    }

    func content(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        guard let (contentType, bytes) = try await store.content(try Self.id(context)) else { throw HTTPError(.notFound, message: "No such item.") }
        // The bytes are whatever a client uploaded (HTML included): a browser must save them,
        // never render them or run their scripts on this origin.
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .contentDisposition: "attachment", .contentSecurityPolicy: "default-src 'none'; sandbox"],
            body: .init(byteBuffer: bytes)
        )
    }

    func job(_ request: Request, _ context: ServiceRequestContext) async throws -> JobView {
        guard let job = try await store.job(try Self.id(context)) else { throw HTTPError(.notFound, message: "No such job.") }
        return job
    }

    /// Streams the job's status changes from its Redis status stream, so any replica can
    /// serve it and `Last-Event-ID` (a stream entry id) resumes exactly where a client left.
    func jobEvents(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let id = try Self.id(context)
        guard try await store.job(id) != nil else { throw HTTPError(.notFound, message: "No such job.") }
        guard let queue else { throw HTTPError(.serviceUnavailable, message: "Redis is not configured.") }
        let jobID = id.lowercased
        let resumeFrom = request.headers[.lastEventID].flatMap { JobStatusProjector.order(of: $0) == nil ? nil : $0 }
        return EventStream(heartbeat: heartbeat).response(
            after: resumeFrom,
            read: { after in try await queue.statusEvents(jobID: jobID, after: after).map { (Self.serverSentEvent($0), $0.status.isTerminal) } }
        )
    }

    /// A status change as the event `status`.
    static func serverSentEvent(_ event: JobStatusEvent) -> ServerSentEvent {
        var fields: [String: AnyJSON] = [
            "job_id": .string(event.jobID), "status": .string(event.status.rawValue), "attempt": .number(Double(event.attempt)),
        ]
        if let error = event.error { fields["error"] = .string(error) }
        if let result = event.result, let value = try? JSONDecoder().decode(AnyJSON.self, from: Data(result.utf8)) { fields["result"] = value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(AnyJSON.object(fields))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ServerSentEvent(id: event.eventID, event: "status", data: data)
    }
}

/// A body of a type the route does not take: 415.
struct UnsupportedMediaType: HTTPResponseError {
    let detail: String
    var status: HTTPResponse.Status { .unsupportedMediaType }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try HTTPError(.unsupportedMediaType, message: detail).response(from: request, context: context)
    }
}
