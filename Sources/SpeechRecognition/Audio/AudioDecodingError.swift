/// Why a file could not be turned into samples, split the way an HTTP caller needs it:
/// not audio at all (415), audio that cannot be read (422), or audio beyond the limit (413).
public enum AudioDecodingError: Error, Equatable, Sendable {
    /// No decoder recognises the bytes as a sound file.
    case notAudio(String)
    /// A recognised format whose content is corrupt, truncated or has no samples.
    case unreadable(String)
    /// Longer than the caller's limit, in seconds.
    case tooLong(seconds: Double, limit: Double)
}
