import Hummingbird
import ServiceKit
import SpeechRecognition

/// asr's one path to a transcript: the local engine, counted in the metrics, with its
/// failures turned into the problems a caller can act on.
struct LocalTranscription: Sendable {
    static let engine = "whisper.cpp"

    let transcriber: Transcriber
    let metrics: ASRMetrics

    var model: String { transcriber.model.name }

    /// Transcribes `audio`; a failure is thrown as it came (see ``problem(for:)``).
    func transcribe(_ audio: [UInt8], options: TranscriptionOptions) async throws -> Transcriber.Result {
        metrics.started()
        defer { metrics.finished() }
        do {
            let result = try await transcriber.transcribe(audio, options: options)
            metrics.recordTranscribed(engine: Self.engine, audioSeconds: result.audio.durationSeconds, processingSeconds: result.processingSeconds)
            return result
        } catch {
            let outcome: ASRMetrics.Outcome =
                switch error {
                case is AudioDecodingError, is UnsupportedLanguage: .rejected
                case is TranscriberBusy: .busy
                case is CancellationError: .cancelled
                default: .failed
                }
            metrics.record(engine: Self.engine, outcome: outcome)
            throw error
        }
    }

    /// ``transcribe(_:options:)`` for a route: what the caller can fix comes out as its problem.
    func transcribe(_ upload: AudioUpload, options: TranscriptionOptions) async throws -> Transcriber.Result {
        do {
            return try await transcribe(upload.audio, options: options)
        } catch {
            throw Self.problem(for: error)
        }
    }

    /// The HTTP problem for what ``transcribe(_:options:)`` threw, or the error itself when it is
    /// not the caller's to fix.
    private static func problem(for error: any Error) -> any Error {
        switch error {
        case AudioDecodingError.notAudio(let reason):
            return unsupportedAudio("The upload is not audio asr can read (\(reason)); send WAV, FLAC, Ogg Vorbis, Opus or MP3.")
        case AudioDecodingError.unreadable(let reason):
            return ValidationError(field: "file", message: "cannot be decoded: \(reason)")
        case AudioDecodingError.tooLong(let seconds, let limit):
            return HTTPError(.contentTooLarge, message: "The audio lasts \(Int(seconds.rounded())) s; asr transcribes at most \(Int(limit)) s (ASR_MAX_SECONDS).")
        case let error as UnsupportedLanguage:
            return ValidationError(field: "language", message: error.description)
        case let error as TranscriberBusy:
            return HTTPError(.serviceUnavailable, headers: [.retryAfter: String(min(30, 1 + error.depth))], message: "Every decoder is busy and the queue is full; retry shortly.")
        default:
            return error
        }
    }
}

/// The options of a transcription read from form or query fields, each bad value named.
extension TranscriptionOptions {
    init(upload: AudioUpload, languageField: String = "language") throws(ValidationError) {
        var problems: [FieldError] = []
        var options = TranscriptionOptions()
        if let language = upload.field(languageField), !language.isEmpty {
            if language.count >= 2, language.count <= 3, language.allSatisfy({ $0.isASCII && $0.isLetter }) {
                options.language = language.lowercased()
            } else {
                problems.append(FieldError(field: languageField, message: "must be an ISO 639-1 code such as \"en\""))
            }
        }
        if let prompt = upload.field("prompt"), !prompt.isEmpty {
            if prompt.count <= 1000 { options.prompt = prompt } else { problems.append(FieldError(field: "prompt", message: "must be at most 1000 characters")) }
        }
        if let text = upload.field("temperature"), !text.isEmpty {
            if let temperature = Double(text), (0...1).contains(temperature) {
                options.temperature = temperature
            } else {
                problems.append(FieldError(field: "temperature", message: "must be a number from 0 to 1"))
            }
        }
        if let text = upload.field("words") {
            switch text.lowercased() {
            case "true", "1": options.wordTimestamps = true
            case "false", "0", "": break
            default: problems.append(FieldError(field: "words", message: "must be true or false"))
            }
        }
        guard problems.isEmpty else { throw ValidationError(fields: problems, detail: "The transcription options are not valid.") }
        self = options
    }
}
