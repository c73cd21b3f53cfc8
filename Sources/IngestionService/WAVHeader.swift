/// The format of a RIFF/WAVE file with PCM samples, read from its header chunks.
struct WAVHeader: Sendable, Equatable {
    let channels: Int
    let sampleRate: Int
    let bitsPerSample: Int
    let dataBytes: Int

    var durationSeconds: Double {
        Double(dataBytes) / Double(sampleRate * channels * bitsPerSample / 8)
    }

    enum Problem: Error, Equatable {
        /// Not RIFF/WAVE at all: the type is wrong (415).
        case notWAV
        /// RIFF/WAVE, but not a usable PCM stream (422), with the reason.
        case unsupported(String)
    }

    init(parsing bytes: [UInt8]) throws(Problem) {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw .notWAV
        }
        var offset = 12
        var format: (audioFormat: Int, channels: Int, sampleRate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Self.uint32(bytes, offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard size >= 16, body + 16 <= bytes.count else { throw .unsupported("the fmt chunk is truncated") }
                format = (Self.uint16(bytes, body), Self.uint16(bytes, body + 2), Self.uint32(bytes, body + 4), Self.uint16(bytes, body + 14))
            } else if id == "data" {
                guard let format else { throw .unsupported("the data chunk comes before the fmt chunk") }
                // 1 is PCM; 0xFFFE (extensible) carries PCM in its sub-format.
                guard format.audioFormat == 1 || format.audioFormat == 0xFFFE else {
                    throw .unsupported("audio format \(format.audioFormat) is not PCM")
                }
                guard (1...8).contains(format.channels) else { throw .unsupported("\(format.channels) channels") }
                guard (8000...192_000).contains(format.sampleRate) else { throw .unsupported("sample rate \(format.sampleRate) Hz") }
                guard [8, 16, 24, 32].contains(format.bits) else { throw .unsupported("\(format.bits) bits per sample") }
                guard size > 0 else { throw .unsupported("the data chunk is empty") }
                self.channels = format.channels
                self.sampleRate = format.sampleRate
                self.bitsPerSample = format.bits
                self.dataBytes = min(size, bytes.count - body)
                return
            }
            offset = body + size + (size & 1)
        }
        throw .unsupported(format == nil ? "no fmt chunk" : "no data chunk")
    }

    private static func uint16(_ bytes: [UInt8], _ at: Int) -> Int {
        Int(bytes[at]) | Int(bytes[at + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ at: Int) -> Int {
        Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
    }
}
