/// BERT's tokeniser: ``BasicTokenizer``'s words, each cut into the longest vocabulary pieces
/// from the left (continuations prefixed `##`); a word with no such cut, or longer than
/// `maxCharactersPerWord`, becomes `[UNK]`. The pieces are framed as `[CLS] … [SEP]` and cut
/// to `maxSequenceLength` in all.
public struct WordPieceTokenizer: Sendable {
    /// A text's ids as the encoder reads them.
    public struct Tokens: Sendable, Equatable {
        public let ids: [Int32]
        /// Whether pieces past `maxSequenceLength` were dropped.
        public let truncated: Bool
    }

    public let vocabulary: Vocabulary
    public let maxSequenceLength: Int
    public let maxCharactersPerWord: Int

    public init(vocabulary: Vocabulary, maxSequenceLength: Int, maxCharactersPerWord: Int = 100) {
        precondition(maxSequenceLength >= 2, "room for [CLS] and [SEP]")
        self.vocabulary = vocabulary
        self.maxSequenceLength = maxSequenceLength
        self.maxCharactersPerWord = maxCharactersPerWord
    }

    public func tokenize(_ text: String) -> Tokens {
        let room = maxSequenceLength - 2
        var ids: [Int32] = [vocabulary.classification]
        var truncated = false
        words: for word in BasicTokenizer.words(in: text) {
            for piece in pieces(of: word) {
                guard ids.count - 1 < room else {
                    truncated = true
                    break words
                }
                ids.append(piece)
            }
        }
        ids.append(vocabulary.separator)
        return Tokens(ids: ids, truncated: truncated)
    }

    /// How many word pieces `text` is, without the special tokens and without truncation:
    /// what a chunker measures a passage by.
    public func pieceCount(_ text: String) -> Int {
        BasicTokenizer.words(in: text).reduce(0) { $0 + pieces(of: $1).count }
    }

    func pieces(of word: String) -> [Int32] {
        let scalars = Array(word.unicodeScalars)
        guard scalars.count <= maxCharactersPerWord else { return [vocabulary.unknown] }
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var match: Int32?
            while start < end {
                var candidate = start > 0 ? "##" : ""
                candidate.unicodeScalars.append(contentsOf: scalars[start..<end])
                if let id = vocabulary.id(of: candidate) {
                    match = id
                    break
                }
                end -= 1
            }
            guard let match else { return [vocabulary.unknown] }
            pieces.append(match)
            start = end
        }
        return pieces
    }
}
