/// What a recording said: the text, and where in the recording each part of it was said.
public struct Transcript: Sendable, Equatable {
    /// A stretch of speech Whisper decoded as one piece, with times in seconds from the start.
    public struct Segment: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var text: String
        /// Whisper's probability that the window held no speech at all.
        public var noSpeechProbability: Double
        /// The mean log-probability of the segment's text tokens.
        public var averageLogProbability: Double
        /// The segment's text token ids.
        public var tokens: [Int]

        public init(start: Double, end: Double, text: String, noSpeechProbability: Double, averageLogProbability: Double, tokens: [Int]) {
            self.start = start
            self.end = end
            self.text = text
            self.noSpeechProbability = noSpeechProbability
            self.averageLogProbability = averageLogProbability
            self.tokens = tokens
        }
    }

    /// A word with its time span and the mean probability of its tokens.
    public struct Word: Sendable, Equatable {
        public var word: String
        public var start: Double
        public var end: Double
        public var probability: Double
    }

    public var text: String
    /// ISO 639-1 code of the language transcribed.
    public var language: String
    public var durationSeconds: Double
    public var segments: [Segment]
    /// Present when word timestamps were asked for.
    public var words: [Word]?

    public init(text: String, language: String, durationSeconds: Double, segments: [Segment], words: [Word]?) {
        self.text = text
        self.language = language
        self.durationSeconds = durationSeconds
        self.segments = segments
        self.words = words
    }
}
