import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Local speech recognition: audio bytes in, a ``Transcript`` out, through libsndfile, libsoxr,
/// the ``VoiceActivityDetector`` and whisper.cpp.
///
/// Decodes run on threads of their own (never an event loop), `concurrency` at a time behind
/// ``DecodeSlots``; each uses `threads` threads inside whisper.cpp. Cancelling the calling task
/// aborts its decode at whisper.cpp's next step and frees the slot at once.
public final class Transcriber: Sendable {
    public struct Configuration: Sendable {
        public var concurrency: Int
        public var queueLimit: Int
        public var threads: Int
        public var beamSize: Int
        public var maxSeconds: Double

        public init(concurrency: Int = 1, queueLimit: Int = 4, threads: Int = System.coreCount, beamSize: Int = 1, maxSeconds: Double = 600) {
            self.concurrency = concurrency
            self.queueLimit = queueLimit
            self.threads = threads
            self.beamSize = beamSize
            self.maxSeconds = maxSeconds
        }
    }

    /// A transcript with the work it took.
    public struct Result: Sendable {
        public let transcript: Transcript
        public let audio: DecodedAudio
        /// Wall-clock seconds from the first byte decoded to the transcript, queueing excluded.
        public let processingSeconds: Double

        public init(transcript: Transcript, audio: DecodedAudio, processingSeconds: Double) {
            self.transcript = transcript
            self.audio = audio
            self.processingSeconds = processingSeconds
        }
    }

    public let model: WhisperModel
    public let configuration: Configuration
    public let detector: VoiceActivityDetector
    private let slots: DecodeSlots
    private let pool: NIOThreadPool
    private let idleDecoders: NIOLockedValueBox<[WhisperDecoder]>

    public init(model: WhisperModel, configuration: Configuration = .init(), detector: VoiceActivityDetector = .init()) throws(WhisperModelError) {
        self.model = model
        self.configuration = configuration
        self.detector = detector
        slots = DecodeSlots(capacity: configuration.concurrency, queueLimit: configuration.queueLimit)
        var decoders: [WhisperDecoder] = []
        for _ in 0..<configuration.concurrency {
            decoders.append(try WhisperDecoder(model: model, threads: configuration.threads, beamSize: configuration.beamSize))
        }
        idleDecoders = NIOLockedValueBox(decoders)
        pool = NIOThreadPool(numberOfThreads: configuration.concurrency)
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// Decodes running and waiting.
    public var queueDepth: Int { slots.depth }

    /// Reads `bytes` as audio and transcribes it.
    public func transcribe(_ bytes: [UInt8], options: TranscriptionOptions = .init()) async throws -> Result {
        let language = try resolvedLanguage(options.language)
        return try await transcribe(try await decode(bytes), language: language, options: options)
    }

    /// Reads `bytes` as audio within ``Configuration/maxSeconds``, without transcribing it.
    /// Ordinary blocking work, done before admission so that a bad file is refused as such
    /// even while every decode slot is busy.
    public func decode(_ bytes: [UInt8]) async throws -> DecodedAudio {
        let maxSeconds = configuration.maxSeconds
        return try await NIOThreadPool.singleton.runIfActive { try AudioDecoder.decode(bytes, maxSeconds: maxSeconds) }
    }

    /// Transcribes samples already at 16 kHz mono.
    public func transcribe(_ audio: DecodedAudio, options: TranscriptionOptions = .init()) async throws -> Result {
        try await transcribe(audio, language: try resolvedLanguage(options.language), options: options)
    }

    private func transcribe(_ audio: DecodedAudio, language: String, options: TranscriptionOptions) async throws -> Result {
        try await slots.acquire()
        defer { slots.release() }
        let abort = DecodeAbort()
        do {
            return try await decode(audio, language: language, options: options, abort: abort)
        } catch is DecodeAborted {
            throw CancellationError()
        }
    }

    private func decode(_ audio: DecodedAudio, language: String, options: TranscriptionOptions, abort: DecodeAbort) async throws -> Result {
        let detector = self.detector
        let decoders = idleDecoders
        return try await withTaskCancellationHandler {
            try await pool.runIfActive {
                let started = NIODeadline.now()
                let decoder = decoders.withLockedValue { $0.removeLast() }
                defer { decoders.withLockedValue { $0.append(decoder) } }
                let windows = SpeechWindows().windows(of: detector.speechRegions(in: audio.samples))
                var segments: [Transcript.Segment] = []
                var words: [Transcript.Word] = []
                var detected = language
                for (index, window) in windows.enumerated() {
                    let range =
                        Int(
                            window.lowerBound * Double(DecodedAudio.sampleRate)
                        )..<min(audio.samples.count, Int(window.upperBound * Double(DecodedAudio.sampleRate)))
                    guard !range.isEmpty else { continue }
                    let decoded = try decoder.decode(
                        audio.samples[range],
                        offset: window.lowerBound,
                        language: language,
                        options: options,
                        abort: abort
                    )
                    if index == 0 { detected = decoded.language }
                    segments += decoded.segments.filter { !$0.text.isEmpty }
                    words += decoded.words
                }
                let text = segments.map(\.text).joined(separator: " ")
                let transcript = Transcript(
                    text: text,
                    language: detected == "auto" ? "en" : detected,
                    durationSeconds: audio.durationSeconds,
                    segments: segments,
                    words: options.wordTimestamps ? words : nil
                )
                let elapsed = Double((NIODeadline.now() - started).nanoseconds) / 1e9
                return Result(transcript: transcript, audio: audio, processingSeconds: elapsed)
            }
        } onCancel: {
            abort.request()
        }
    }

    private func resolvedLanguage(_ requested: String?) throws(UnsupportedLanguage) -> String {
        let code = requested?.lowercased()
        if model.isMultilingual { return code ?? "auto" }
        guard code == nil || code == "en" else { throw UnsupportedLanguage(requested: requested ?? "", model: model.name) }
        return "en"
    }
}

/// An English-only model was asked for another language.
public struct UnsupportedLanguage: Error, Sendable, CustomStringConvertible {
    public let requested: String
    public let model: String
    public var description: String { "the model \(model) transcribes English only, not \"\(requested)\"" }
}
