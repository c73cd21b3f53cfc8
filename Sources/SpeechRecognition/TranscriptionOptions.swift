/// What a caller may choose about one transcription.
public struct TranscriptionOptions: Sendable {
    /// ISO 639-1 code; nil lets a multilingual model detect it (an English-only model always uses "en").
    public var language: String?
    /// Text that conditions the decoder, such as names and spellings to expect.
    public var prompt: String?
    /// The first decoding temperature (0 = greedy); Whisper raises it when a decode fails its checks.
    public var temperature: Double
    /// Whether to compute word timestamps (a little slower).
    public var wordTimestamps: Bool

    public init(language: String? = nil, prompt: String? = nil, temperature: Double = 0, wordTimestamps: Bool = false) {
        self.language = language
        self.prompt = prompt
        self.temperature = temperature
        self.wordTimestamps = wordTimestamps
    }
}
