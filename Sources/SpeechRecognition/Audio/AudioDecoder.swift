import CSndFile

/// Reads any sound file libsndfile knows (WAV with integer or float samples, FLAC, Ogg Vorbis,
/// Opus, MP3, AIFF…) from memory, down-mixes it to mono and resamples it to 16 kHz.
///
/// Blocking and CPU-bound: call it off the event loop (``Transcriber`` does).
public enum AudioDecoder {
    /// Decodes `bytes`; audio longer than `maxSeconds` is refused before its samples are read.
    public static func decode(_ bytes: [UInt8], maxSeconds: Double) throws(AudioDecodingError) -> DecodedAudio {
        let source = MemorySoundSource(bytes)
        var info = SF_INFO()
        var io = MemorySoundSource.virtualIO
        let handle = withExtendedLifetime(source) {
            sf_open_virtual(&io, Int32(SFM_READ), &info, Unmanaged.passUnretained(source).toOpaque())
        }
        guard let file = handle else {
            let code = Int(sf_error(nil))
            let reason = String(cString: sf_error_number(Int32(code)))
            // libsndfile reports a file no decoder claims as "unrecognised"; anything else
            // means a decoder took it and failed on its content.
            if code == Int(SF_ERR_UNRECOGNISED_FORMAT) || bytes.count < 12 {
                throw .notAudio("no audio decoder recognises the data (\(reason))")
            }
            throw .unreadable(reason)
        }
        defer { sf_close(file) }
        let channels = Int(info.channels)
        let rate = Int(info.samplerate)
        guard channels >= 1, rate >= 1000, rate <= 384_000 else {
            throw .unreadable("the file declares \(channels) channels at \(rate) Hz")
        }
        if let truncation = declaredDataBeyondEnd(file) { throw .unreadable(truncation) }
        // A declared length is what the header says; some formats (MP3) only estimate it.
        if info.frames > 0, Double(info.frames) / Double(rate) > maxSeconds + 0.5 {
            throw .tooLong(seconds: Double(info.frames) / Double(rate), limit: maxSeconds)
        }
        let mono = try readMono(file, channels: channels, maxFrames: Int((maxSeconds + 1) * Double(rate)))
        guard !mono.isEmpty else { throw .unreadable("the file holds no samples") }
        if Double(mono.count) / Double(rate) > maxSeconds + 0.5 {
            throw .tooLong(seconds: Double(mono.count) / Double(rate), limit: maxSeconds)
        }
        if info.frames > 0, mono.count < Int(info.frames) - rate / 10 {
            throw .unreadable("the file is truncated: \(mono.count) of \(info.frames) declared frames could be read")
        }
        let samples = try Resampler.resample(mono, from: rate, to: DecodedAudio.sampleRate)
        return DecodedAudio(samples: samples, format: formatName(info.format), originalSampleRate: rate, originalChannels: channels)
    }

    /// The channels' mean, frame by frame, stopping after `maxFrames`.
    private static func readMono(_ file: OpaquePointer, channels: Int, maxFrames: Int) throws(AudioDecodingError) -> [Float] {
        let blockFrames = 8192
        var interleaved = [Float](repeating: 0, count: blockFrames * channels)
        var mono: [Float] = []
        while mono.count <= maxFrames {
            let read = Int(interleaved.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, sf_count_t(blockFrames)) })
            if read <= 0 { break }
            if channels == 1 {
                mono.append(contentsOf: interleaved[0..<read])
            } else {
                let scale = 1 / Float(channels)
                for frame in 0..<read {
                    var sum: Float = 0
                    for channel in 0..<channels { sum += interleaved[frame * channels + channel] }
                    mono.append(sum * scale)
                }
            }
        }
        let status = sf_error(file)
        if status != 0 {
            throw .unreadable(String(cString: sf_strerror(file)))
        }
        if mono.contains(where: { !$0.isFinite }) {
            throw .unreadable("the file holds samples that are not finite numbers")
        }
        return mono
    }

    /// libsndfile reads a WAV (or AIFF, CAF…) whose data chunk is cut short without complaint,
    /// recomputing its length from the file size; its log keeps the header's claim as
    /// `data : <declared> (should be <present>)`. A declared size of 0 or all ones is the
    /// placeholder of a writer that streamed the file, not a truncation.
    private static func declaredDataBeyondEnd(_ file: OpaquePointer) -> String? {
        var log = [CChar](repeating: 0, count: 8192)
        sf_command(file, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("data") {
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
            guard numbers.count == 2, let declared = numbers.first, let present = numbers.last else { continue }
            let placeholder = declared == 0 || declared >= 0x7FFF_FFFF
            if declared > present, !placeholder {
                return "the file is truncated: its header declares \(declared) bytes of samples, \(present) are present"
            }
        }
        return nil
    }

    private static func formatName(_ format: Int32) -> String {
        var description = SF_FORMAT_INFO()
        description.format = format & Int32(SF_FORMAT_TYPEMASK)
        guard sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &description, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0, let name = description.name
        else {
            return "unknown"
        }
        return String(cString: name)
    }
}

/// The bytes of one file, served to libsndfile through its virtual I/O callbacks.
private final class MemorySoundSource {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func from(_ userData: UnsafeMutableRawPointer?) -> MemorySoundSource {
        Unmanaged<MemorySoundSource>.fromOpaque(userData!).takeUnretainedValue()
    }

    static let virtualIO = SF_VIRTUAL_IO(
        get_filelen: { userData in sf_count_t(MemorySoundSource.from(userData).bytes.count) },
        seek: { offset, whence, userData in
            let source = MemorySoundSource.from(userData)
            let base: Int
            switch whence {
            case SEEK_SET: base = 0
            case SEEK_CUR: base = source.position
            case SEEK_END: base = source.bytes.count
            default: return -1
            }
            let target = base + Int(offset)
            guard target >= 0 else { return -1 }
            source.position = min(target, source.bytes.count)
            return sf_count_t(source.position)
        },
        read: { pointer, count, userData in
            let source = MemorySoundSource.from(userData)
            guard let pointer, count > 0 else { return 0 }
            let available = min(Int(count), source.bytes.count - source.position)
            guard available > 0 else { return 0 }
            source.bytes.withUnsafeBytes { raw in
                pointer.copyMemory(from: raw.baseAddress! + source.position, byteCount: available)
            }
            source.position += available
            return sf_count_t(available)
        },
        write: { _, _, _ in 0 },
        tell: { userData in sf_count_t(MemorySoundSource.from(userData).position) }
    )
}
