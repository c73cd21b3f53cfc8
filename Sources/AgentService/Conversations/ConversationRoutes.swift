import Foundation
import Hummingbird
import ServiceKit

/// agent's conversation endpoints: create, list, read (with messages) and delete
/// conversations, and take a user's turn (text, or audio transcribed by asr), which starts a run.
struct ConversationRoutes: Sendable {
    let conversations: ConversationStore
    let runs: RunStore
    let turns: RecentTurns
    let scheduler: RunScheduler
    let asr: ASRClient
    let stream: RunEventStream
    let settings: AgentSettings
    /// This replica, as the lease owner of the runs it starts.
    let owner: String

    static func add(
        to routes: ServiceRoutes,
        scheduler: RunScheduler?,
        turns: RecentTurns?,
        asr: ASRClient,
        stream: RunEventStream,
        settings: AgentSettings,
        owner: String
    ) {
        let environment = routes.environment
        /// Every route needs the database (and the scheduler over it): 503 until it is there and migrated.
        func using<Output: ResponseGenerator & Sendable>(
            _ body: @escaping @Sendable (ConversationRoutes, Request, ServiceRequestContext) async throws -> Output
        ) -> @Sendable (Request, ServiceRequestContext) async throws -> Output {
            { request, context in
                let database = try environment.requireDatabase()
                guard let scheduler, let turns else { throw HTTPError(.serviceUnavailable, message: "The database is not configured.") }
                let handlers = ConversationRoutes(
                    conversations: ConversationStore(database: database),
                    runs: RunStore(database: database),
                    turns: turns,
                    scheduler: scheduler,
                    asr: asr,
                    stream: stream,
                    settings: settings,
                    owner: owner
                )
                return try await body(handlers, request, context)
            }
        }

        routes.post(
            "/v1/conversations",
            summary: "Starts a conversation; the body may be left out.",
            body: .json(NewConversation.self).optional,
            responses: [
                .created: .json(ConversationView.self, "The conversation.").header("Location", "The conversation's URL."),
                .unprocessableContent: "Invalid fields, each named.",
            ],
            idempotent: true,
            handler: using { try await $0.create($1, $2) }
        )
        routes.get(
            "/v1/conversations",
            summary: "Conversations, newest first.",
            query: [Self.conversationLimit, Self.cursor],
            responses: [.ok: .json(ConversationPage.self, "A page of conversations."), .unprocessableContent: "Invalid query."],
            handler: using { try await $0.list($1, $2) }
        )
        routes.get(
            "/v1/conversations/{id}",
            summary: "A conversation with a page of its messages, oldest first.",
            query: [Self.messageLimit, Self.cursor],
            responses: [
                .ok: .json(ConversationWithMessages.self, "The conversation and its messages."),
                .notFound: "No such conversation.", .unprocessableContent: "Invalid query.",
            ],
            handler: using { try await $0.read($1, $2) }
        )
        routes.on(
            .delete,
            "/v1/conversations/{id}",
            summary: "Deletes a conversation with its messages and runs.",
            responses: [.noContent: "Deleted.", .notFound: "No such conversation."],
            handler: using { handlers, _, context in
                let id = try Self.id(context)
                guard try await handlers.conversations.delete(id) else { throw HTTPError(.notFound, message: "No such conversation.") }
                await handlers.turns.changed(id, added: nil)
                return Response(status: .noContent)
            }
        )
        routes.post(
            "/v1/conversations/{id}/messages",
            summary: "A user's turn: starts a run. With Accept: text/event-stream the run's events stream back directly. Idempotent.",
            body: .json(Turn.self),
            responses: [
                .accepted: .json(StartedRun.self, "The run started.").header("Location", "The run's URL."),
                .ok: .eventStream("With Accept: text/event-stream, the run's events."),
                .notFound: "No such conversation.", .unprocessableContent: "Empty or too long text.",
                .serviceUnavailable: "Too many open event streams (Retry-After).",
            ],
            idempotent: true,
            handler: using { try await $0.turn($1, $2) }
        )
        routes.post(
            "/v1/conversations/{id}/audio",
            summary:
                "A spoken turn: the audio as a raw body with its type (audio/wav, audio/flac, audio/mpeg, audio/ogg…) or multipart with part `file`, up to MAX_AUDIO_BYTES, transcribed by asr; the transcript is the turn, and its run starts as a text turn's. With Accept: text/event-stream the run's events (the first is `transcript`) stream back directly. Idempotent.",
            body: RequestBodySpec.bytes(["audio/*", "application/octet-stream"]).or(.multipart(files: ["file"], required: ["file"])),
            responses: [
                .accepted: .json(StartedRun.self, "The run started, with what asr heard.").header("Location", "The run's URL."),
                .ok: .eventStream("With Accept: text/event-stream, the run's events; the first is `transcript`."),
                .notFound: "No such conversation.", .contentTooLarge: "Over MAX_AUDIO_BYTES, or longer than asr takes.",
                .unsupportedMediaType: "Not audio.",
                .unprocessableContent: "Corrupt audio, or no speech was heard.",
                .serviceUnavailable: "asr is down or busy, or too many open event streams (Retry-After).",
            ],
            bodyLimit: settings.maxAudioBytes,
            // Transcribing takes as long as asr's policy allows, before the turn itself begins.
            timeout: environment.settings.requestTimeout + asr.service.policy.settings.totalBudget,
            idempotent: true,
            handler: using { try await $0.spokenTurn($1, $2) }
        )
    }

    /// Without an answer of asr's own, how long a caller waits before sending the audio again.
    static let asrRetryAfter = "5"

    static let conversationLimit = QueryParameter<Int>.limit(max: 200).describing("Conversations per page; 50 when absent.")
    static let messageLimit = QueryParameter<Int>.limit(max: 500).describing("Messages per page; 100 when absent.")
    static let cursor = QueryParameter<Int64>.sequenceCursor

    static func id(_ context: ServiceRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw HTTPError(.notFound, message: "No such conversation.")
        }
        return id
    }

    struct NewConversation: APIModel {
        let title: String?
        let metadata: AnyJSON?

        static var fieldConstraints: [String: FieldConstraint] { ["title": .length(1...500).nonBlank, "metadata": .kind(.object)] }
    }

    func create(_ request: Request, _ context: ServiceRequestContext) async throws -> JSONResponse<ConversationView> {
        let bytes = Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        let body =
            bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            ? NewConversation(title: nil, metadata: nil) : try request.decodeJSON(as: NewConversation.self, bodyBytes: bytes)
        // The schema checked the title (1 to 500 characters, not blank); spaces around it are not kept.
        let title = body.title?.trimmingCharacters(in: .whitespacesAndNewlines)
        let metadata = String(decoding: try JSONEncoder().encode(body.metadata ?? .object([:])), as: UTF8.self)
        let conversation = try await conversations.create(title: title, metadataJSON: metadata)
        return JSONResponse(conversation, status: .created, headers: [.location: "/v1/conversations/\(conversation.id)"])
    }

    struct ConversationPage: APIModel, ResponseEncodable {
        let conversations: [ConversationView]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case conversations
            case nextCursor = "next_cursor"
        }
    }

    func list(_ request: Request, _ context: ServiceRequestContext) async throws -> ConversationPage {
        var query = ListQuery(request)
        let limit = query.value(Self.conversationLimit) ?? 50
        let cursor = query.value(Self.cursor)
        try query.validated()
        let page = try await conversations.conversations(limit: limit, before: cursor)
        return ConversationPage(conversations: page, nextCursor: ListQuery.nextSequenceCursor(of: page, limit: limit, sequence: \.seq))
    }

    /// The conversation's own fields, with its messages beside them.
    struct ConversationWithMessages: APIModel, ResponseEncodable {
        let conversation: ConversationView
        let messages: [MessageView]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case messages
            case nextCursor = "next_cursor"
        }

        init(conversation: ConversationView, messages: [MessageView], nextCursor: String?) {
            self.conversation = conversation
            self.messages = messages
            self.nextCursor = nextCursor
        }

        init(from decoder: any Decoder) throws {
            conversation = try ConversationView(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            messages = try container.decode([MessageView].self, forKey: .messages)
            nextCursor = try container.decodeIfPresent(String.self, forKey: .nextCursor)
        }

        func encode(to encoder: any Encoder) throws {
            try conversation.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(messages, forKey: .messages)
            try container.encode(nextCursor, forKey: .nextCursor)
        }
    }

    func read(_ request: Request, _ context: ServiceRequestContext) async throws -> ConversationWithMessages {
        let id = try Self.id(context)
        var query = ListQuery(request)
        let limit = query.value(Self.messageLimit) ?? 100
        let cursor = query.value(Self.cursor)
        try query.validated()
        guard let conversation = try await conversations.conversation(id) else { throw HTTPError(.notFound, message: "No such conversation.") }
        let messages = try await conversations.messages(id, limit: limit, after: cursor)
        return ConversationWithMessages(
            conversation: conversation,
            messages: messages,
            nextCursor: ListQuery.nextSequenceCursor(of: messages, limit: limit, sequence: \.seq)
        )
    }

    struct Turn: APIModel {
        let text: String

        static var fieldConstraints: [String: FieldConstraint] { ["text": .nonBlank] }
    }

    struct StartedRun: APIModel, ResponseEncodable {
        let runID: String
        let messageID: String
        let status: String
        let eventsURL: String
        /// What asr heard, for a voice turn.
        let transcript: ASRClient.Transcription?

        enum CodingKeys: String, CodingKey {
            case status, transcript
            case runID = "run_id"
            case messageID = "message_id"
            case eventsURL = "events_url"
        }

        static var fieldConstraints: [String: FieldConstraint] {
            ["run_id": .format("uuid"), "message_id": .format("uuid"), "status": .oneOf(RunStatus.allCases.map(\.rawValue))]
        }
    }

    func turn(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let conversationID = try Self.id(context)
        let turn = try await request.decodeJSON(as: Turn.self, context: context)
        // The schema refused a blank text.
        let text = turn.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.unicodeScalars.count > settings.maxCharacters {
            throw ValidationError(field: "text", message: "must be at most \(settings.maxCharacters) characters")
        }
        return try await start(conversationID, request, context) { (text, nil) }
    }

    /// A voice turn: nothing is stored and no run starts unless asr heard words.
    func spokenTurn(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let conversationID = try Self.id(context)
        // Checked first, so that no audio is transcribed for a conversation that is not there.
        guard try await conversations.conversation(conversationID) != nil else { throw HTTPError(.notFound, message: "No such conversation.") }
        let audio = Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        let contentType = request.headers[.contentType] ?? "application/octet-stream"
        return try await start(conversationID, request, context) {
            let transcription = try await transcribe(audio, contentType: contentType)
            let text = transcription.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { throw ValidationError(field: "audio", message: "no speech was heard") }
            if text.unicodeScalars.count > settings.maxCharacters {
                throw ValidationError(field: "audio", message: "its transcript is longer than \(settings.maxCharacters) characters")
            }
            return (text, ASRClient.Transcription(id: transcription.id, text: text, durationSeconds: transcription.durationSeconds))
        }
    }

    /// The audio through asr: asr's refusals of the audio (415, 413, 422) keep their status;
    /// asr down, busy or failing is a 503 with `Retry-After`.
    private func transcribe(_ audio: [UInt8], contentType: String) async throws -> ASRClient.Transcription {
        do {
            return try await asr.transcribe(audio, contentType: contentType)
        } catch let error as ProviderCallError {
            if case .failed(let failure, _) = error, let status = failure.status, [413, 415, 422].contains(status) {
                let reason = failure.detail ?? "speech recognition could not read it"
                if status == 422 { throw ValidationError(field: "audio", message: reason) }
                throw HTTPError(.init(code: status), message: "The audio was refused: \(reason)")
            }
            let retryAfter: String
            if case .failed(let failure, _) = error, let wait = failure.retryAfter {
                retryAfter = String(max(1, Int(wait.seconds.rounded(.up))))
            } else {
                retryAfter = Self.asrRetryAfter
            }
            throw HTTPError(
                .serviceUnavailable,
                headers: [.retryAfter: retryAfter],
                message: "Speech recognition is unavailable (\(error)); send the audio again later."
            )
        }
    }

    /// Starts the run of the turn `turn` gives (its text, and what asr heard of a voice turn;
    /// when it throws nothing is stored), answering 202 with the run or, with
    /// `Accept: text/event-stream`, its events.
    private func start(
        _ conversationID: UUID,
        _ request: Request,
        _ context: ServiceRequestContext,
        turn: () async throws -> (text: String, transcript: ASRClient.Transcription?)
    ) async throws -> Response {
        let streaming = request.headers[.accept]?.contains("text/event-stream") == true
        // The stream's slot is taken before anything is written, so a refused stream starts no run.
        if streaming { try stream.slots.acquire() }
        let started: (runID: UUID, messageID: UUID, turn: RecentTurns.Turn)?
        let transcript: ASRClient.Transcription?
        do {
            let (text, heard) = try await turn()
            transcript = heard
            started = try await runs.start(
                conversationID: conversationID,
                text: text,
                transcript: heard,
                entry: settings.mode.entry,
                owner: owner,
                lease: settings.runLease
            )
            guard started != nil else { throw HTTPError(.notFound, message: "No such conversation.") }
        } catch {
            if streaming { stream.slots.release() }
            throw error
        }
        guard let (runID, messageID, turn) = started else { throw HTTPError(.notFound, message: "No such conversation.") }
        await turns.changed(conversationID, added: turn)
        scheduler.drive(runID, requestID: context.requestID)
        if streaming { return try stream.response(runID, request: request, holdingSlot: true) }
        let view = StartedRun(
            runID: runID.lowercased,
            messageID: messageID.lowercased,
            status: RunStatus.running.rawValue,
            eventsURL: RunEventStream.path(runID),
            transcript: transcript
        )
        return try JSONResponse(view, status: .accepted, headers: [.location: "/v1/runs/\(runID.lowercased)"]).response(
            from: request,
            context: context
        )
    }
}
