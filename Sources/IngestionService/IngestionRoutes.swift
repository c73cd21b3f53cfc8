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
        func using<Output: ResponseGenerator & Sendable>(_ body: @escaping @Sendable (IngestionRoutes, Request, ServiceRequestContext) async throws -> Output) -> @Sendable (Request, ServiceRequestContext) async throws -> Output {
            { request, context in
                let handlers = IngestionRoutes(store: IngestionStore(database: try environment.requireDatabase()), relay: relay, queue: queue, logger: environment.logger, heartbeat: heartbeat)
                return try await body(handlers, request, context)
            }
        }

        routes.post(
            "/v1/documents", summary: "Stores a document (JSON {title, text, collection?, metadata?} or multipart with a file) and queues it for indexing.",
            responses: [.accepted: "Stored and queued: {item_id, job_id, status}.", .unsupportedMediaType: "Not text/plain, text/markdown, text/html or application/pdf, or the bytes do not match.", .unprocessableContent: "Invalid fields."],
            idempotent: true, handler: using { try await $0.postDocument($1, $2) }
        )
        routes.post(
            "/v1/audio", summary: "Stores a WAV (PCM) upload, as audio/wav or multipart, and queues it for transcription.",
            responses: [.accepted: "Stored and queued.", .unsupportedMediaType: "Not a WAV file.", .unprocessableContent: "A WAV file without a usable PCM stream.", .contentTooLarge: "Over MAX_AUDIO_BYTES."],
            bodyLimit: maxAudioBytes, idempotent: true, handler: using { try await $0.postAudio($1, $2) }
        )
        routes.post(
            "/v1/events", summary: "Records an event {type, source, occurred_at (RFC 3339), payload (object)}.",
            responses: [.accepted: "Recorded: {event_id}.", .unprocessableContent: "Invalid fields."],
            idempotent: true, handler: using { try await $0.postEvent($1, $2) }
        )
        routes.get(
            "/v1/events", summary: "Pages events in time order: ?type=&since=&limit=&cursor=.",
            responses: [.ok: "{events, next_cursor}.", .unprocessableContent: "Invalid query."], handler: using { try await $0.listEvents($1, $2) }
        )
        routes.get("/v1/items/{id}", summary: "An item's metadata.", responses: [.ok: "The item.", .notFound: "No such item."], handler: using { try await $0.item($1, $2) })
        routes.get("/v1/items/{id}/content", summary: "An item's original bytes, with their type.", responses: [.ok: "The content.", .notFound: "No such item."], handler: using { try await $0.content($1, $2) })
        routes.get("/v1/jobs/{id}", summary: "A job and where it stands.", responses: [.ok: "The job.", .notFound: "No such job."], handler: using { try await $0.job($1, $2) })
        routes.get(
            "/v1/jobs/{id}/events", summary: "Server-Sent Events of a job's status changes; Last-Event-ID resumes; ends after done or dead.",
            responses: [.ok: "text/event-stream.", .notFound: "No such job."], rateLimit: "30/minute", handler: using { try await $0.jobEvents($1, $2) }
        )
    }

    // MARK: uploads

    struct DocumentJSON: Decodable {
        let title: String
        let text: String
        let collection: String?
        let metadata: AnyJSON?
    }

    func postDocument(_ request: Request, _ context: ServiceRequestContext) async throws -> JSONResponse<[String: String]> {
        let contentType = request.headers[.contentType]
        let body = Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        let item: IngestionStore.NewItem
        if let boundary = contentType.flatMap(MultipartForm.boundary(ofContentType:)) {
            let form = try MultipartForm(parsing: body, boundary: boundary)
            guard let file = form.part(named: "file") else { throw ValidationError(field: "file", message: "is required") }
            let mediaType = try Self.checkedDocumentType(ContentInspector.mediaType(file.contentType), bytes: file.body)
            let title = form.part(named: "title")?.text ?? file.filename ?? "untitled"
            item = .init(kind: "document", title: try Self.checkedTitle(title), collection: form.part(named: "collection")?.text, contentType: mediaType, content: file.body, metadataJSON: "{}")
        } else if ContentInspector.mediaType(contentType) == "application/json" {
            let document = try request.decodeJSON(as: DocumentJSON.self, bodyBytes: body)
            guard !document.text.isEmpty else { throw ValidationError(field: "text", message: "must not be empty") }
            if let metadata = document.metadata, !metadata.isObject { throw ValidationError(field: "metadata", message: "must be an object") }
            let metadata = try document.metadata.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) } ?? "{}"
            item = .init(kind: "document", title: try Self.checkedTitle(document.title), collection: document.collection, contentType: "text/plain", content: Array(document.text.utf8), metadataJSON: metadata)
        } else {
            throw UnsupportedMediaType(detail: "Send application/json or multipart/form-data with a file part.")
        }
        return try await store(item, jobKind: "rag.index", stream: IngestionService.ragIndexStream)
    }

    func postAudio(_ request: Request, _ context: ServiceRequestContext) async throws -> JSONResponse<[String: String]> {
        let contentType = request.headers[.contentType]
        let body = Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        var audio = body
        var title: String?
        if let boundary = contentType.flatMap(MultipartForm.boundary(ofContentType:)) {
            let form = try MultipartForm(parsing: body, boundary: boundary)
            guard let file = form.part(named: "file") else { throw ValidationError(field: "file", message: "is required") }
            audio = file.body
            title = form.part(named: "title")?.text ?? file.filename
        } else if let mediaType = ContentInspector.mediaType(contentType), !["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"].contains(mediaType) {
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
        let metadata = #"{"channels":\#(header.channels),"sample_rate":\#(header.sampleRate),"bits_per_sample":\#(header.bitsPerSample),"duration_seconds":\#(header.durationSeconds)}"#
        return try await store(.init(kind: "audio", title: title, collection: nil, contentType: "audio/wav", content: audio, metadataJSON: metadata), jobKind: "asr", stream: IngestionService.asrStream)
    }

    private func store(_ item: IngestionStore.NewItem, jobKind: String, stream: String) async throws -> JSONResponse<[String: String]> {
        let (itemID, jobID) = try await store.insert(item, jobKind: jobKind, stream: stream)
        do {
            try await relay?.enqueue(jobID)
        } catch {
            // Stored all the same: the relay's sweep enqueues it once Redis answers.
            logger.warning("job stored but not yet enqueued", metadata: ["job_id": "\(jobID.lowercased)", "error": "\(error)"])
        }
        return accepted(itemID: itemID, jobID: jobID)
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

    struct EventJSON: Decodable {
        let type: String
        let source: String
        let occurredAt: String
        let payload: AnyJSON

        enum CodingKeys: String, CodingKey {
            case type, source, payload
            case occurredAt = "occurred_at"
        }
    }

    func postEvent(_ request: Request, _ context: ServiceRequestContext) async throws -> JSONResponse<[String: String]> {
        let event = try await request.decodeJSON(as: EventJSON.self, context: context)
        var problems: [FieldError] = []
        if !(1...200).contains(event.type.count) { problems.append(FieldError(field: "type", message: "must be 1 to 200 characters")) }
        if !(1...200).contains(event.source.count) { problems.append(FieldError(field: "source", message: "must be 1 to 200 characters")) }
        let occurredAt = RFC3339.date(from: event.occurredAt)
        if occurredAt == nil { problems.append(FieldError(field: "occurred_at", message: "must be an RFC 3339 date-time such as 2026-01-02T03:04:05Z")) }
        if !event.payload.isObject { problems.append(FieldError(field: "payload", message: "must be an object")) }
        guard problems.isEmpty, let occurredAt else { throw ValidationError(fields: problems, detail: "The event is not valid.") }
        let id = try await store.insert(.init(type: event.type, source: event.source, occurredAt: occurredAt, payloadJSON: String(decoding: try JSONEncoder().encode(event.payload), as: UTF8.self)))
        return JSONResponse(["event_id": id.lowercased], status: .accepted)
    }

    struct EventPage: ResponseEncodable {
        let events: [EventView]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case events
            case nextCursor = "next_cursor"
        }
    }

    func listEvents(_ request: Request, _ context: ServiceRequestContext) async throws -> EventPage {
        var query = ListQuery(request)
        let limit = query.limit(default: 50, max: 500)
        let since = query.value("since", message: "must be an RFC 3339 date-time", RFC3339.date(from:))
        let cursor = query.value("cursor", message: "is not a cursor this service issued", EventCursor.init(token:))
        try query.validated()
        let events = try await store.events(type: query.string("type"), since: since, after: cursor, limit: limit)
        let next = events.count == limit ? events.last.flatMap { last in UUID(uuidString: last.id).map { EventCursor(occurredAt: last.occurredAt, id: $0).token } } : nil
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
        return Response(status: .ok, headers: [.contentType: contentType, .contentDisposition: "attachment", .contentSecurityPolicy: "default-src 'none'; sandbox"], body: .init(byteBuffer: bytes))
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
        var fields: [String: AnyJSON] = ["job_id": .string(event.jobID), "status": .string(event.status.rawValue), "attempt": .number(Double(event.attempt))]
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

/// RFC 3339 date-times, with or without fractional seconds.
enum RFC3339 {
    static func date(from text: String) -> Date? {
        (try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)))
            ?? (try? Date(text, strategy: .iso8601))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}
