/// Cuts a passage into sentences at the seams the chunker uses (blank lines, then
/// whitespace after `.`, `!` or `?`), so an extractive answer quotes whole sentences.
public enum Sentences {
    /// The sentences of `text`, in order, each trimmed; line breaks inside one become spaces.
    public static func of(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return Chunker.split(0..<scalars.count, in: scalars, at: Chunker.paragraphBreak).flatMap { paragraph in
            Chunker.split(paragraph, in: scalars, at: Chunker.sentenceEnd).map { range in
                var sentence = String(String.UnicodeScalarView(scalars[range]))
                sentence = sentence.split(whereSeparator: \.isNewline).joined(separator: " ")
                return sentence
            }
        }
    }
}
