/// An audio file to transcribe (`POST /audio/transcriptions`), with the optional hints the
/// endpoint takes. `model` nil means the configured `OPENAI_TRANSCRIBE_MODEL`.
public struct TranscriptionRequest: Sendable {
    public enum ResponseFormat: String, Sendable {
        case json, text, srt, vtt
        case verboseJSON = "verbose_json"
    }

    public var audio: [UInt8]
    public var filename: String
    public var contentType: String
    public var model: String?
    /// ISO-639-1, such as `en`.
    public var language: String?
    /// Text that the audio continues, or words to spell a certain way.
    public var prompt: String?
    public var responseFormat: ResponseFormat

    public init(
        audio: [UInt8],
        filename: String,
        contentType: String,
        model: String? = nil,
        language: String? = nil,
        prompt: String? = nil,
        responseFormat: ResponseFormat = .json
    ) {
        self.audio = audio
        self.filename = filename
        self.contentType = contentType
        self.model = model
        self.language = language
        self.prompt = prompt
        self.responseFormat = responseFormat
    }
}

/// A transcript: its text (for `srt`/`vtt`, the subtitle file as sent), and for
/// `verbose_json` the detected language and the audio's duration in seconds.
public struct Transcription: Sendable, Equatable {
    public var text: String
    public var language: String?
    public var duration: Double?

    struct Wire: Decodable {
        let text: String
        let language: String?
        let duration: Double?
    }
}
