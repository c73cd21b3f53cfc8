import Foundation

/// A text prepared for pattern matching: Foundation's patterns report UTF-16 ranges, while
/// entity offsets are Unicode scalars of the input, so the mapping is computed once here.
public struct ScannedText: Sendable {
    public let string: String
    let utf16: [UInt16]
    /// The scalar offset of each UTF-16 offset, one entry past the end included.
    private let scalarOffsets: [Int]

    public init(_ string: String) {
        self.string = string
        utf16 = Array(string.utf16)
        var offsets: [Int] = []
        offsets.reserveCapacity(utf16.count + 1)
        for (index, scalar) in string.unicodeScalars.enumerated() {
            offsets.append(index)
            if scalar.utf16.count == 2 { offsets.append(index) }
        }
        offsets.append(string.unicodeScalars.count)
        scalarOffsets = offsets
    }

    /// The whole text as a UTF-16 range, for matching.
    var fullRange: NSRange { NSRange(location: 0, length: utf16.count) }

    /// The text of a UTF-16 range.
    public func text(_ range: NSRange) -> String {
        String(decoding: utf16[range.location..<(range.location + range.length)], as: UTF16.self)
    }

    /// The Unicode scalar offsets of a UTF-16 range.
    func scalarRange(_ range: NSRange) -> Range<Int> {
        scalarOffsets[range.location]..<scalarOffsets[range.location + range.length]
    }
}
