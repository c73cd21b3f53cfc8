/// Cuts extracted text into chunks of about `targetTokens` tokens along the document's own
/// seams: never across a page or a section, paragraphs whole where they fit, else
/// sentences, else words (and a word longer than `maxTokens`, by characters). Consecutive
/// chunks of a section share up to `overlapTokens` tokens of whole pieces, so a sentence cut
/// at a boundary is still found whole in one of them.
///
/// Tokens are whatever `countTokens` counts: the embedder's WordPiece count in the service
/// (without the special tokens, which ``ChunkingPolicy/maxTokens`` leaves room for). Pieces are
/// measured one by one and added up, which is exact for a tokenizer that splits on
/// whitespace first, as WordPiece does; each chunk is measured again as a whole.
public struct Chunker: Sendable {
    public let policy: ChunkingPolicy
    public let countTokens: @Sendable (String) -> Int

    public init(policy: ChunkingPolicy, countTokens: @escaping @Sendable (String) -> Int) {
        self.policy = policy
        self.countTokens = countTokens
    }

    public func chunks(of document: ExtractedText) -> [Chunk] {
        var chunks: [Chunk] = []
        for unit in document.units {
            let scalars = Array(unit.text.unicodeScalars)
            for section in sections(of: unit, length: scalars.count) {
                let pieces = self.pieces(of: section.range, in: scalars)
                pack(pieces, in: scalars, page: unit.page, heading: section.heading, into: &chunks)
            }
        }
        return chunks
    }

    /// A run of scalars and its token count.
    struct Piece {
        let range: Range<Int>
        let tokens: Int
    }

    private func sections(of unit: TextUnit, length: Int) -> [(range: Range<Int>, heading: String?)] {
        var result: [(Range<Int>, String?)] = []
        var start = 0
        var heading: String?
        for section in unit.sections where section.offset >= start && section.offset <= length {
            if section.offset > start { result.append((start..<section.offset, heading)) }
            start = section.offset
            heading = section.title
        }
        if start < length { result.append((start..<length, heading)) }
        return result
    }

    private func text(_ range: Range<Int>, in scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }

    private func measured(_ range: Range<Int>, in scalars: [Unicode.Scalar]) -> Piece {
        Piece(range: range, tokens: countTokens(text(range, in: scalars)))
    }

    /// Paragraphs where they fit the target; longer ones cut into sentences, then words.
    func pieces(of range: Range<Int>, in scalars: [Unicode.Scalar]) -> [Piece] {
        var pieces: [Piece] = []
        for paragraph in Self.split(range, in: scalars, at: Self.paragraphBreak) {
            let whole = measured(paragraph, in: scalars)
            if whole.tokens <= policy.targetTokens {
                if whole.tokens > 0 { pieces.append(whole) }
                continue
            }
            for sentence in Self.split(paragraph, in: scalars, at: Self.sentenceEnd) {
                let measuredSentence = measured(sentence, in: scalars)
                if measuredSentence.tokens <= policy.targetTokens {
                    if measuredSentence.tokens > 0 { pieces.append(measuredSentence) }
                    continue
                }
                for word in Self.split(sentence, in: scalars, at: Self.whitespace) {
                    pieces += cutToFit(measured(word, in: scalars), in: scalars)
                }
            }
        }
        return pieces
    }

    /// A word over `maxTokens` (a long identifier, a base64 blob) cut into runs that fit.
    private func cutToFit(_ word: Piece, in scalars: [Unicode.Scalar]) -> [Piece] {
        guard word.tokens > policy.maxTokens else { return word.tokens > 0 ? [word] : [] }
        var pieces: [Piece] = []
        var start = word.range.lowerBound
        while start < word.range.upperBound {
            var length = word.range.upperBound - start
            var piece = measured(start..<(start + length), in: scalars)
            while piece.tokens > policy.targetTokens, length > 1 {
                length = (length + 1) / 2
                piece = measured(start..<(start + length), in: scalars)
            }
            pieces.append(piece)
            start += length
        }
        return pieces
    }

    /// Greedy packing up to the target; each next chunk begins with the previous one's last
    /// pieces that fit in the overlap, and always at least one piece further on.
    private func pack(_ pieces: [Piece], in scalars: [Unicode.Scalar], page: Int?, heading: String?, into chunks: inout [Chunk]) {
        var first = 0
        while first < pieces.count {
            var end = first
            var total = 0
            while end < pieces.count, total + pieces[end].tokens <= policy.targetTokens {
                total += pieces[end].tokens
                end += 1
            }
            if end == first { end = first + 1 }
            var chunk = measured(pieces[first].range.lowerBound..<pieces[end - 1].range.upperBound, in: scalars)
            while chunk.tokens > policy.maxTokens, end - first > 1 {
                end -= 1
                chunk = measured(pieces[first].range.lowerBound..<pieces[end - 1].range.upperBound, in: scalars)
            }
            chunks.append(
                Chunk(
                    ordinal: chunks.count,
                    text: text(chunk.range, in: scalars),
                    page: page,
                    start: chunk.range.lowerBound,
                    end: chunk.range.upperBound,
                    heading: heading,
                    tokenCount: chunk.tokens
                )
            )
            guard end < pieces.count else { return }
            var next = end
            var overlap = 0
            while next - 1 > first, overlap + pieces[next - 1].tokens <= policy.overlapTokens {
                overlap += pieces[next - 1].tokens
                next -= 1
            }
            first = next
        }
    }

    // MARK: seams

    /// Where a seam lies: given the scalars and a position, the end of the separator starting there, if one does.
    typealias Seam = ([Unicode.Scalar], Int, Int) -> Int?

    /// A blank line: a line break, optional spaces, another line break (and any more blanks).
    static func paragraphBreak(_ scalars: [Unicode.Scalar], _ index: Int, _ end: Int) -> Int? {
        guard scalars[index] == "\n" else { return nil }
        var cursor = index + 1
        var breaks = 1
        while cursor < end, scalars[cursor].properties.isWhitespace {
            if scalars[cursor] == "\n" { breaks += 1 }
            cursor += 1
        }
        return breaks >= 2 ? cursor : nil
    }

    /// Whitespace after `.`, `!` or `?` (and any closing quotes or brackets).
    static func sentenceEnd(_ scalars: [Unicode.Scalar], _ index: Int, _ end: Int) -> Int? {
        guard scalars[index].properties.isWhitespace, index > 0 else { return nil }
        var before = index - 1
        while before > 0, "\"')]»”’".unicodeScalars.contains(scalars[before]) { before -= 1 }
        guard ".!?。！？".unicodeScalars.contains(scalars[before]) else { return nil }
        var cursor = index
        while cursor < end, scalars[cursor].properties.isWhitespace { cursor += 1 }
        return cursor
    }

    static func whitespace(_ scalars: [Unicode.Scalar], _ index: Int, _ end: Int) -> Int? {
        guard scalars[index].properties.isWhitespace else { return nil }
        var cursor = index
        while cursor < end, scalars[cursor].properties.isWhitespace { cursor += 1 }
        return cursor
    }

    /// The runs of `range` between seams, with surrounding whitespace trimmed off.
    static func split(_ range: Range<Int>, in scalars: [Unicode.Scalar], at seam: Seam) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        func add(_ part: Range<Int>) {
            var lower = part.lowerBound
            var upper = part.upperBound
            while lower < upper, scalars[lower].properties.isWhitespace { lower += 1 }
            while upper > lower, scalars[upper - 1].properties.isWhitespace { upper -= 1 }
            if lower < upper { parts.append(lower..<upper) }
        }
        while index < range.upperBound {
            if let after = seam(scalars, index, range.upperBound) {
                add(start..<index)
                start = after
                index = after
            } else {
                index += 1
            }
        }
        add(start..<range.upperBound)
        return parts
    }
}
