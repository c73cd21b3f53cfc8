import Foundation
import NIOCore
import ServiceKit
import SpeechRecognition

/// asr's own settings, read once at start-up; a bad value stops it, naming the variable.
struct ASRSettings: Sendable {
    /// Which engine transcribes uploads and jobs (`ASR_PROVIDER`).
    let provider: SpeechToText.Provider
    /// The ggml model file (`ASR_MODEL`), by default Whisper tiny.en from `ops/models`.
    let modelPath: String
    let transcriber: Transcriber.Configuration
    /// The largest upload (`MAX_AUDIO_BYTES`), also the cap on audio fetched from ingestion.
    let maxAudioBytes: Int
    /// Where the asr job fetches audio from (`INGESTION_URL`).
    let ingestionURL: String
    /// The longest live stream (`ASR_STREAM_MAX_SECONDS`), and how many may be open on a replica (`ASR_STREAM_MAX`).
    let streamMaxSeconds: Double
    let maxStreams: Int

    init(config: Config) throws {
        let providerName = try config.string("ASR_PROVIDER", default: "auto")
        guard let provider = SpeechToText.Provider(rawValue: providerName) else {
            throw ConfigError(
                name: "ASR_PROVIDER",
                reason: "must be one of \(SpeechToText.Provider.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self.provider = provider
        let modelsDirectory = try config.string("MODELS_DIR", default: ".run/models")
        modelPath = try config.string("ASR_MODEL", default: modelsDirectory + "/whisper/ggml-tiny.en.bin")
        transcriber = Transcriber.Configuration(
            concurrency: try config.int("ASR_CONCURRENCY", default: 1, range: 1...16),
            queueLimit: try config.int("ASR_QUEUE_LIMIT", default: 4, range: 0...1000),
            threads: try config.int("ASR_THREADS", default: System.coreCount, range: 1...64),
            beamSize: try config.int("ASR_BEAM_SIZE", default: 1, range: 1...8),
            maxSeconds: try config.double("ASR_MAX_SECONDS", default: 600, range: 1...14_400)
        )
        maxAudioBytes = try config.int("MAX_AUDIO_BYTES", default: 25 << 20, range: 1...Int(Int32.max))
        streamMaxSeconds = try config.double("ASR_STREAM_MAX_SECONDS", default: 300, range: 1...14_400)
        maxStreams = try config.int("ASR_STREAM_MAX", default: 4, range: 1...1000)
        ingestionURL = try config.string("INGESTION_URL", default: "http://127.0.0.1:8001").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard let url = URL(string: ingestionURL), ["http", "https"].contains(url.scheme), url.host != nil else {
            throw ConfigError(name: "INGESTION_URL", reason: "expected an http(s) URL")
        }
    }
}
