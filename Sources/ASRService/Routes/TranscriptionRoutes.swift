import Foundation
import Hummingbird
import ServiceKit
import SpeechRecognition

/// asr's own endpoints: transcribe and store an upload, and read stored transcripts.
struct TranscriptionRoutes {
    static let limit = QueryParameter<Int>.limit(max: 200).describing("Transcripts per page; 50 when absent.")
    static let cursor = QueryParameter<Int64>.sequenceCursor

    static func add(to routes: ServiceRoutes, speech: SpeechToText, settings: ASRSettings) {
        let environment = routes.environment
        routes.post(
            "/v1/transcriptions",
            summary:
                "Transcribes an audio upload (a raw body with its audio type and the options in the query, or multipart with part `file` and the options as fields) and stores the transcript.",
            body: AudioUpload.body(fields: TranscriptionFields.formFields),
            query: TranscriptionFields.queryParameters,
            responses: [
                .created: .json(TranscriptView.self, "The stored transcript; degraded: the configured provider failed and the local engine stood in.")
                    .header("Location", "The transcript's URL."),
                .contentTooLarge: "Over MAX_AUDIO_BYTES or ASR_MAX_SECONDS.", .unsupportedMediaType: "Not audio.",
                .unprocessableContent: "Corrupt or truncated audio, or invalid options, each named.",
                .serviceUnavailable: "The decoder queue is full (Retry-After).",
            ],
            bodyLimit: settings.maxAudioBytes,
            idempotent: true
        ) { request, context in
            let store = TranscriptStore(database: try environment.requireDatabase())
            let body = Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
            let upload = try AudioUpload(request: request, body: body)
            let options = try TranscriptionOptions(upload: upload)
            let stored = try await store.insert(try await speech.transcribe(upload, options: options))
            return JSONResponse(stored, status: .created, headers: [.location: "/v1/transcripts/\(stored.id)"])
        }
        routes.get(
            "/v1/transcripts/{id}",
            summary: "A stored transcript.",
            responses: [.ok: .json(TranscriptView.self, "The transcript."), .notFound: "No such transcript."]
        ) { _, context in
            let store = TranscriptStore(database: try environment.requireDatabase())
            guard let text = context.parameters.get("id"), let id = UUID(uuidString: text), let transcript = try await store.transcript(id) else {
                throw HTTPError(.notFound, message: "No such transcript.")
            }
            return transcript
        }
        routes.get(
            "/v1/transcripts",
            summary: "Stored transcripts, newest first.",
            query: [Self.limit, Self.cursor],
            responses: [.ok: .json(TranscriptPage.self, "A page of transcripts."), .unprocessableContent: "Invalid query."]
        ) { request, _ in
            let store = TranscriptStore(database: try environment.requireDatabase())
            var query = ListQuery(request)
            let limit = query.value(Self.limit) ?? 50
            let cursor = query.value(Self.cursor)
            try query.validated()
            let transcripts = try await store.transcripts(limit: limit, before: cursor)
            return TranscriptPage(transcripts: transcripts, nextCursor: ListQuery.nextSequenceCursor(of: transcripts, limit: limit, sequence: \.seq))
        }
    }
}
