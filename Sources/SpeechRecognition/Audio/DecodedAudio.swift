/// A recording as Whisper takes it: mono float samples at 16 kHz, with what the file was.
public struct DecodedAudio: Sendable {
    /// The rate every engine in this module works at.
    public static let sampleRate = 16_000

    public let samples: [Float]
    /// The file's format, as libsndfile names it ("WAV (Microsoft)", "FLAC", "MPEG Layer III"…).
    public let format: String
    public let originalSampleRate: Int
    public let originalChannels: Int

    public var durationSeconds: Double { Double(samples.count) / Double(Self.sampleRate) }

    public init(samples: [Float], format: String, originalSampleRate: Int, originalChannels: Int) {
        self.samples = samples
        self.format = format
        self.originalSampleRate = originalSampleRate
        self.originalChannels = originalChannels
    }
}
