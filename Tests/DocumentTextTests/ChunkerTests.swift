import DocumentText
import Testing

/// The chunker with a whitespace word counter standing in for the tokenizer: what is under
/// test is where chunks are cut, not how tokens are counted.
@Suite struct ChunkerTests {
    static let countWords: @Sendable (String) -> Int = { text in text.split(whereSeparator: \.isWhitespace).count }

    static func chunker(target: Int, overlap: Int, max: Int = ChunkingPolicy.modelMaxTokens) throws -> Chunker {
        Chunker(policy: try ChunkingPolicy(targetTokens: target, overlapTokens: overlap, maxTokens: max), countTokens: countWords)
    }

    /// `count` sentences of `length` words each, numbered so every word is unique.
    static func sentences(_ count: Int, length: Int, from first: Int = 0) -> [String] {
        (first..<(first + count)).map { sentence in (0..<length).map { "w\(sentence)x\($0)" }.joined(separator: " ") + "." }
    }

    static func document(_ units: [TextUnit]) -> ExtractedText { ExtractedText(format: .plainText, units: units, pageCount: nil) }

    /// Every chunk's text is exactly its unit's text between its offsets.
    static func expectOffsetsPointAtText(_ chunks: [Chunk], in document: ExtractedText) {
        for chunk in chunks {
            let unit = document.units.first { $0.page == chunk.page }!
            let scalars = Array(unit.text.unicodeScalars)
            #expect(String(String.UnicodeScalarView(scalars[chunk.start..<chunk.end])) == chunk.text)
        }
    }

    @Test func smallParagraphsShareAChunkUpToTheTarget() throws {
        let paragraphs = Self.sentences(6, length: 30)
        let text = paragraphs.joined(separator: "\n\n")
        let document = Self.document([TextUnit(page: nil, text: text)])
        let chunks = try Self.chunker(target: 100, overlap: 0).chunks(of: document)
        // 30-word paragraphs: three fit in 100 words, a fourth would not.
        #expect(chunks.map(\.tokenCount) == [90, 90])
        #expect(chunks.map(\.ordinal) == [0, 1])
        #expect(chunks[0].text == paragraphs[0...2].joined(separator: "\n\n"))
        Self.expectOffsetsPointAtText(chunks, in: document)
    }

    @Test func longParagraphsAreCutAtSentencesWithOverlap() throws {
        let sentences = Self.sentences(20, length: 10)
        let document = Self.document([TextUnit(page: nil, text: sentences.joined(separator: " "))])
        let chunks = try Self.chunker(target: 50, overlap: 20).chunks(of: document)
        for chunk in chunks { #expect(chunk.tokenCount <= 50) }
        // Five sentences a chunk; the next begins with the last two again.
        #expect(chunks.count == 6)
        #expect(chunks[0].text == sentences[0..<5].joined(separator: " "))
        #expect(chunks[1].text == sentences[3..<8].joined(separator: " "))
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            let shared = Set(previous.text.split(separator: " ")).intersection(next.text.split(separator: " "))
            #expect(shared.count == 20)
        }
        #expect(chunks.last!.text.hasSuffix(sentences.last!))
        Self.expectOffsetsPointAtText(chunks, in: document)
    }

    @Test func aSentenceOverTheTargetIsCutAtWords() throws {
        let long = Self.sentences(1, length: 130)[0]
        let document = Self.document([TextUnit(page: nil, text: long)])
        let chunks = try Self.chunker(target: 50, overlap: 10).chunks(of: document)
        #expect(chunks.map(\.tokenCount) == [50, 50, 50])
        #expect(chunks[1].text.hasPrefix("w0x40 "))
        Self.expectOffsetsPointAtText(chunks, in: document)
    }

    @Test func noChunkExceedsTheModelLimitEvenForOneHugeWord() throws {
        // A counter that sees one token per four characters, so a single "word" can be over the limit.
        let perFourCharacters: @Sendable (String) -> Int = { text in text.split(whereSeparator: \.isWhitespace).reduce(0) { $0 + ($1.count + 3) / 4 }
        }
        let blob = String(repeating: "QUJD", count: 400)
        let document = Self.document([TextUnit(page: nil, text: "Before. " + blob + " After.")])
        let chunker = Chunker(policy: try ChunkingPolicy(targetTokens: 200, overlapTokens: 40), countTokens: perFourCharacters)
        let chunks = chunker.chunks(of: document)
        for chunk in chunks { #expect(perFourCharacters(chunk.text) <= ChunkingPolicy.modelMaxTokens) }
        #expect(chunks.map(\.text).joined().replacing(" ", with: "").contains(blob))
        Self.expectOffsetsPointAtText(chunks, in: document)
    }

    @Test func chunksKeepTheirPageAndHeadingAndNeverCrossThem() throws {
        let intro = "Intro text here."
        let first = TextUnit(page: 1, text: "\(intro)\n\nSetup\n\nInstall it now.", sections: [SectionStart(title: "Setup", offset: intro.count + 2)])
        let second = TextUnit(page: 2, text: "Second page words.")
        let document = ExtractedText(format: .pdf, units: [first, second], pageCount: 2)
        let chunks = try Self.chunker(target: 100, overlap: 20).chunks(of: document)
        #expect(chunks.map(\.text) == [intro, "Setup\n\nInstall it now.", "Second page words."])
        #expect(chunks.map(\.heading) == [nil, "Setup", nil])
        #expect(chunks.map(\.page) == [1, 1, 2])
        #expect(chunks.map(\.ordinal) == [0, 1, 2])
        #expect(chunks[2].start == 0)
        Self.expectOffsetsPointAtText(chunks, in: document)
    }

    @Test func offsetsCountUnicodeScalars() throws {
        let text = "Café au lait — naïve résumé. 日本語の文。 Emoji 👩‍💻 here."
        let document = Self.document([TextUnit(page: nil, text: "Préface.\n\n" + text)])
        let chunks = try Self.chunker(target: 3, overlap: 1).chunks(of: document)
        #expect(chunks.count > 2)
        Self.expectOffsetsPointAtText(chunks, in: document)
        #expect(chunks[0].text == "Préface.\n\nCafé au")
        #expect(chunks[0].start == 0 && chunks[0].end == 17)
    }

    @Test func aPolicyThatCannotWorkIsRefused() {
        #expect(throws: ChunkingPolicyError.self) { try ChunkingPolicy(targetTokens: 40, overlapTokens: 40) }
        #expect(throws: ChunkingPolicyError.self) { try ChunkingPolicy(targetTokens: 300) }
        #expect(throws: ChunkingPolicyError.self) { try ChunkingPolicy(targetTokens: 100, overlapTokens: -1) }
    }
}
