import Foundation
import Hummingbird
import ServiceKit
import ServiceKitHTTPClient
import SpeechRecognition

/// asr's one path from audio to a transcript: the local engine (whisper.cpp), or an
/// OpenAI-compatible provider when `ASR_PROVIDER` picks one, counted in the metrics and
/// with failures turned into the problems a caller can act on.
///
/// Audio is always read here first, whichever engine transcribes it, so a bad file gets the
/// same 415, 422 or 413 and the duration is known. With `auto` (the default), a configured
/// provider transcribes and a failing one gives way to the local engine, the transcript
/// marked `degraded`; with `openai` its failure is a 502; with `local` it is never called.
struct SpeechToText: Sendable {
    enum Provider: String, CaseIterable, Sendable {
        case local, openai, auto
    }

    struct Outcome: Sendable {
        let result: Transcriber.Result
        let engine: String
        let model: String
        /// The provider failed and the local engine stood in.
        let degraded: Bool
    }

    static let localEngine = "whisper.cpp"
    static let remoteEngine = "openai"

    let transcriber: Transcriber
    /// The provider, when `ASR_PROVIDER` and the configuration call for one.
    let remote: OpenAIClient?
    /// Whether the local engine stands in for a failing provider.
    let fallsBack: Bool
    let metrics: ASRMetrics

    init(transcriber: Transcriber, provider: Provider, client: OpenAIClient?, metrics: ASRMetrics) throws(ConfigError) {
        self.transcriber = transcriber
        self.metrics = metrics
        switch provider {
        case .local:
            remote = nil
        case .openai:
            guard let client else {
                throw ConfigError(
                    name: "ASR_PROVIDER",
                    reason: "is openai, but no OpenAI-compatible provider is configured (OPENAI_API_KEY or OPENAI_BASE_URL)"
                )
            }
            remote = client
        case .auto:
            remote = client
        }
        fallsBack = provider == .auto
    }

    /// Transcribes `audio`; a failure is thrown as it came (a route maps it with ``problem(for:)``).
    func transcribe(_ audio: [UInt8], contentType: String?, options: TranscriptionOptions) async throws -> Outcome {
        metrics.started()
        defer { metrics.finished() }
        let decoded: DecodedAudio
        do {
            decoded = try await transcriber.decode(audio)
        } catch {
            metrics.record(engine: remote == nil ? Self.localEngine : Self.remoteEngine, outcome: .rejected)
            throw error
        }
        if let remote {
            do {
                let result = try await transcribeRemotely(audio, decoded: decoded, contentType: contentType, options: options, client: remote)
                metrics.recordTranscribed(
                    engine: Self.remoteEngine,
                    audioSeconds: decoded.durationSeconds,
                    processingSeconds: result.processingSeconds
                )
                return Outcome(result: result, engine: Self.remoteEngine, model: remote.settings.transcribeModel, degraded: false)
            } catch {
                metrics.record(engine: Self.remoteEngine, outcome: .failed)
                guard fallsBack else { throw HTTPError(.badGateway, message: "The transcription provider failed: \(error.description)") }
            }
        }
        let result = try await transcribeLocally(decoded, options: options)
        return Outcome(result: result, engine: Self.localEngine, model: transcriber.model.name, degraded: remote != nil)
    }

    /// ``transcribe(_:contentType:options:)`` for a route: what the caller can fix comes out as its problem.
    func transcribe(_ upload: AudioUpload, options: TranscriptionOptions) async throws -> Outcome {
        do {
            return try await transcribe(upload.audio, contentType: upload.contentType, options: options)
        } catch {
            throw Self.problem(for: error)
        }
    }

    private func transcribeLocally(_ audio: DecodedAudio, options: TranscriptionOptions) async throws -> Transcriber.Result {
        do {
            let result = try await transcriber.transcribe(audio, options: options)
            metrics.recordTranscribed(engine: Self.localEngine, audioSeconds: audio.durationSeconds, processingSeconds: result.processingSeconds)
            return result
        } catch {
            let outcome: ASRMetrics.Outcome =
                switch error {
                case is UnsupportedLanguage: .rejected
                case is TranscriberBusy: .busy
                case is CancellationError: .cancelled
                default: .failed
                }
            metrics.record(engine: Self.localEngine, outcome: outcome)
            throw error
        }
    }

    /// The provider's text as one segment over the whole recording (its plain JSON answer has no times).
    private func transcribeRemotely(
        _ audio: [UInt8],
        decoded: DecodedAudio,
        contentType: String?,
        options: TranscriptionOptions,
        client: OpenAIClient
    ) async throws(OpenAIError) -> Transcriber.Result {
        let started = ContinuousClock.now
        let request = TranscriptionRequest(
            audio: audio,
            filename: "audio",
            contentType: contentType ?? "application/octet-stream",
            language: options.language,
            prompt: options.prompt
        )
        let text = try await client.transcribe(request).text.trimmingCharacters(in: .whitespacesAndNewlines)
        let segments =
            text.isEmpty
            ? []
            : [Transcript.Segment(start: 0, end: decoded.durationSeconds, text: text, noSpeechProbability: 0, averageLogProbability: 0, tokens: [])]
        let transcript = Transcript(
            text: text,
            language: options.language ?? "en",
            durationSeconds: decoded.durationSeconds,
            segments: segments,
            words: nil
        )
        return Transcriber.Result(transcript: transcript, audio: decoded, processingSeconds: (ContinuousClock.now - started).seconds)
    }

    /// The HTTP problem for what ``transcribe(_:contentType:options:)`` threw, or the error
    /// itself when it is not the caller's to fix.
    private static func problem(for error: any Error) -> any Error {
        switch error {
        case AudioDecodingError.notAudio(let reason):
            return unsupportedAudio("The upload is not audio asr can read (\(reason)); send WAV, FLAC, Ogg Vorbis, Opus or MP3.")
        case AudioDecodingError.unreadable(let reason):
            return ValidationError(field: "file", message: "cannot be decoded: \(reason)")
        case AudioDecodingError.tooLong(let seconds, let limit):
            return HTTPError(
                .contentTooLarge,
                message: "The audio lasts \(Int(seconds.rounded())) s; asr transcribes at most \(Int(limit)) s (ASR_MAX_SECONDS)."
            )
        case let error as UnsupportedLanguage:
            return ValidationError(field: "language", message: error.description)
        case let error as TranscriberBusy:
            return HTTPError(
                .serviceUnavailable,
                headers: [.retryAfter: String(min(30, 1 + error.depth))],
                message: "Every decoder is busy and the queue is full; retry shortly."
            )
        default:
            return error
        }
    }
}
