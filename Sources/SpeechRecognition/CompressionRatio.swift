import CZlib

/// Whisper's repetition check: the text's size over its zlib-compressed size. A decode stuck
/// repeating a phrase compresses far better than speech (OpenAI flags ratios above 2.4).
public enum CompressionRatio {
    public static func of(_ text: String) -> Double {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return 0 }
        var compressedSize = compressBound(uLong(bytes.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        let status = compressed.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &compressedSize, input.baseAddress, uLong(input.count), Z_DEFAULT_COMPRESSION)
            }
        }
        guard status == Z_OK, compressedSize > 0 else { return 1 }
        return Double(bytes.count) / Double(compressedSize)
    }
}
