import Foundation
import Hummingbird
import NIOCore
import ServiceKit
import SpeechRecognition

/// `POST /v1/audio/transcriptions` as OpenAI's API has it, so that its SDKs and other clients
/// work against asr by changing their base URL. Nothing is stored.
struct OpenAITranscriptionRoutes {
    enum ResponseFormat: String, CaseIterable {
        case json, text, srt, vtt
        case verboseJSON = "verbose_json"
    }

    /// The form's text fields beside `file`, as OpenAI's API has them.
    static var formFields: [String: JSONSchema] {
        var format = JSONSchema.string
        format.enumValues = ResponseFormat.allCases.map(\.rawValue)
        var granularity = JSONSchema.string
        granularity.enumValues = ["segment", "word"]
        var fields = TranscriptionFields.formFields.filter { $0.key != TranscriptionFields.words.name }
        var model = JSONSchema.string
        model.minLength = 1
        fields["model"] = model
        fields["response_format"] = format
        fields["timestamp_granularities[]"] = .array(of: granularity)
        return fields
    }

    static func add(to routes: ServiceRoutes, speech: SpeechToText, settings: ASRSettings) {
        routes.post(
            "/v1/audio/transcriptions",
            summary:
                "OpenAI-compatible transcription of a multipart upload; `model` may name any model (asr serves its own), `timestamp_granularities[]` needs verbose_json.",
            body: .multipart(files: ["file"], fields: formFields, required: ["file", "model"]),
            responses: [
                .ok: ResponseSpec.json(
                    either: PlainTranscription.self,
                    or: VerboseTranscription.self,
                    "json or verbose_json, as response_format asks"
                )
                .or(.bytes(["text/plain", "text/vtt"], "text and srt as text/plain, vtt as text/vtt")),
                .contentTooLarge: "Over MAX_AUDIO_BYTES or ASR_MAX_SECONDS.", .unsupportedMediaType: "Not multipart, or not audio.",
                .unprocessableContent: "Corrupt audio, or invalid fields, each named.",
                .serviceUnavailable: "The decoder queue is full (Retry-After).",
            ],
            bodyLimit: settings.maxAudioBytes,
            idempotent: true
        ) { request, context in
            let body = Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
            let upload = try AudioUpload(request: request, body: body, multipartOnly: true)
            let (format, granularities) = try fields(of: upload)
            var options = try TranscriptionOptions(upload: upload)
            options.wordTimestamps = format == .verboseJSON && granularities.contains("word")
            let result = try await speech.transcribe(upload, options: options).result
            return try response(
                result.transcript,
                format: format,
                segmentsWanted: granularities.isEmpty || granularities.contains("segment"),
                temperature: options.temperature
            )
        }
    }

    /// `response_format` and `timestamp_granularities[]`; `model` must be present, as OpenAI requires.
    private static func fields(of upload: AudioUpload) throws(ValidationError) -> (ResponseFormat, Set<String>) {
        var problems: [FieldError] = []
        if (upload.field("model") ?? "").isEmpty {
            problems.append(FieldError(field: "model", message: "is required (any name: asr serves its local model)"))
        }
        let format = ResponseFormat(rawValue: upload.field("response_format") ?? "json")
        if format == nil {
            problems.append(
                FieldError(field: "response_format", message: "must be one of \(ResponseFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            )
        }
        let granularities = Set(upload.fields("timestamp_granularities[]") + upload.fields("timestamp_granularities"))
        if !granularities.isSubset(of: ["segment", "word"]) {
            problems.append(FieldError(field: "timestamp_granularities[]", message: "may hold segment and word only"))
        } else if !granularities.isEmpty, format != .verboseJSON {
            problems.append(FieldError(field: "timestamp_granularities[]", message: "needs response_format verbose_json"))
        }
        guard problems.isEmpty, let format else { throw ValidationError(fields: problems, detail: "The transcription request is not valid.") }
        return (format, granularities)
    }

    private static func response(_ transcript: Transcript, format: ResponseFormat, segmentsWanted: Bool, temperature: Double) throws -> Response {
        switch format {
        case .json:
            return try json(PlainTranscription(text: transcript.text))
        case .text:
            return text(transcript.text + "\n", type: "text/plain; charset=utf-8")
        case .srt:
            return text(SubtitleFormat.srt.render(transcript.segments), type: "text/plain; charset=utf-8")
        case .vtt:
            return text(SubtitleFormat.vtt.render(transcript.segments), type: "text/vtt; charset=utf-8")
        case .verboseJSON:
            return try json(VerboseTranscription(transcript, segmentsWanted: segmentsWanted, temperature: temperature))
        }
    }

    private static func json(_ value: some Encodable) throws -> Response {
        let body = ByteBuffer(bytes: try JSONEncoder().encode(value))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }

    private static func text(_ value: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: value)))
    }
}

/// `response_format=json`.
struct PlainTranscription: APIModel {
    let text: String
}

/// `response_format=verbose_json`, field for field as OpenAI's SDKs parse it.
struct VerboseTranscription: APIModel {
    struct Segment: Codable, Sendable {
        let id: Int
        let seek: Int
        let start: Double
        let end: Double
        let text: String
        let tokens: [Int]
        let temperature: Double
        let avgLogprob: Double
        let compressionRatio: Double
        let noSpeechProb: Double

        enum CodingKeys: String, CodingKey {
            case id, seek, start, end, text, tokens, temperature
            case avgLogprob = "avg_logprob"
            case compressionRatio = "compression_ratio"
            case noSpeechProb = "no_speech_prob"
        }
    }

    struct Word: Codable, Sendable {
        let word: String
        let start: Double
        let end: Double
    }

    private(set) var task = "transcribe"
    let language: String
    let duration: Double
    let text: String
    let segments: [Segment]?
    let words: [Word]?

    init(_ transcript: Transcript, segmentsWanted: Bool, temperature: Double) {
        language = WhisperLanguage.name(of: transcript.language)
        duration = transcript.durationSeconds
        text = transcript.text
        segments =
            segmentsWanted
            ? transcript.segments.enumerated().map { index, segment in
                // `seek` is the segment's start in Whisper's 10 ms frames.
                Segment(
                    id: index,
                    seek: Int((segment.start * 100).rounded()),
                    start: segment.start,
                    end: segment.end,
                    text: " " + segment.text,
                    tokens: segment.tokens,
                    temperature: temperature,
                    avgLogprob: segment.averageLogProbability,
                    compressionRatio: CompressionRatio.of(segment.text),
                    noSpeechProb: segment.noSpeechProbability
                )
            } : nil
        words = transcript.words?.map { Word(word: $0.word, start: $0.start, end: $0.end) }
    }

    static var fieldConstraints: [String: FieldConstraint] { ["task": .oneOf(["transcribe"])] }
}
