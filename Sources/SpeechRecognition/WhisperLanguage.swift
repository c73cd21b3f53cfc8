import CWhisper

/// Whisper's names for the languages it knows.
public enum WhisperLanguage {
    /// The English name Whisper gives an ISO 639-1 code ("en" → "english"), or the code itself
    /// when Whisper does not know it.
    public static func name(of code: String) -> String {
        let id = whisper_lang_id(code)
        guard id >= 0, let name = whisper_lang_str_full(id) else { return code }
        return String(cString: name)
    }
}
