extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits a byte (digests in keys and fingerprints).
    var hexString: String {
        map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
    }
}
