import CWhisper
import Foundation

/// A Whisper model in whisper.cpp's ggml format, loaded once per process and shared by every
/// decode (each decode brings its own ``WhisperDecoder`` state).
public final class WhisperModel: @unchecked Sendable {
    // whisper.cpp only reads the context after loading; all mutable decoding state lives in
    // the per-decoder `whisper_state`, so sharing the context across threads is safe.
    let context: OpaquePointer
    /// The file's name without its extension, e.g. "ggml-tiny.en".
    public let name: String
    /// False for the `.en` models, which transcribe English only.
    public let isMultilingual: Bool

    /// Loads `path`; a missing or unreadable file is a ``WhisperModelError``.
    public init(path: String) throws(WhisperModelError) {
        guard FileManager.default.isReadableFile(atPath: path) else { throw .missing(path) }
        WhisperModel.silenceLibraryLog
        var parameters = whisper_context_default_params()
        parameters.use_gpu = false
        // Word times come from the decoder's cross-attention aligned to the audio by DTW (as
        // in OpenAI's Whisper), which needs the model's alignment heads and plain attention.
        parameters.dtw_token_timestamps = true
        parameters.dtw_aheads_preset = Self.alignmentHeads(forFileNamed: URL(fileURLWithPath: path).lastPathComponent)
        parameters.flash_attn = false
        guard let context = whisper_init_from_file_with_params_no_state(path, parameters) else { throw .unreadable(path) }
        self.context = context
        name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        isMultilingual = whisper_is_multilingual(context) != 0
    }

    deinit {
        whisper_free(context)
    }

    /// The alignment heads published for the model the file name names (`ggml-tiny.en.bin`…),
    /// else all heads of the top text layers.
    static func alignmentHeads(forFileNamed name: String) -> whisper_alignment_heads_preset {
        let presets: [(String, whisper_alignment_heads_preset)] = [
            ("large-v3-turbo", WHISPER_AHEADS_LARGE_V3_TURBO), ("large-v3", WHISPER_AHEADS_LARGE_V3), ("large-v2", WHISPER_AHEADS_LARGE_V2),
            ("large-v1", WHISPER_AHEADS_LARGE_V1), ("medium.en", WHISPER_AHEADS_MEDIUM_EN), ("medium", WHISPER_AHEADS_MEDIUM),
            ("small.en", WHISPER_AHEADS_SMALL_EN), ("small", WHISPER_AHEADS_SMALL), ("base.en", WHISPER_AHEADS_BASE_EN),
            ("base", WHISPER_AHEADS_BASE), ("tiny.en", WHISPER_AHEADS_TINY_EN), ("tiny", WHISPER_AHEADS_TINY),
        ]
        return presets.first { name.contains($0.0) }?.1 ?? WHISPER_AHEADS_N_TOP_MOST
    }

    /// whisper.cpp and ggml print every step of loading and decoding to stderr; the service's
    /// own log says what matters.
    private static let silenceLibraryLog: Void = whisper_log_set({ _, _, _ in }, nil)
}

/// Why a Whisper model could not be loaded.
public enum WhisperModelError: Error, CustomStringConvertible {
    case missing(String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .missing(let path): "no Whisper model at \(path): run ops/models (or set ASR_MODEL to a ggml model file)"
        case .unreadable(let path): "\(path) is not a Whisper model in whisper.cpp's ggml format"
        }
    }
}
