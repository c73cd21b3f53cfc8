import Inference
import Testing

@Suite struct TokenizerTests {
    @Test func idsEqualTheReferenceTokenizerForEveryGoldenSentence() throws {
        let tokenizer = try GoldenVectors.model().tokenizer
        let sentences = GoldenVectors.shared.sentences
        #expect(sentences.count >= 30)
        for sentence in sentences {
            let tokens = tokenizer.tokenize(sentence.text)
            #expect(tokens.ids == sentence.ids, "ids of \(sentence.text.debugDescription)")
            #expect(tokens.truncated == sentence.truncated, "truncation of \(sentence.text.debugDescription)")
        }
    }

    @Test func anEmptyOrBlankTextIsJustClassificationAndSeparator() throws {
        let tokenizer = try GoldenVectors.model().tokenizer
        let frame = [tokenizer.vocabulary.classification, tokenizer.vocabulary.separator]
        #expect(frame == [101, 102])
        for text in ["", "   ", "\u{0007}\u{200B}"] {
            let tokens = tokenizer.tokenize(text)
            #expect(tokens.ids == frame)
            #expect(!tokens.truncated)
        }
    }

    @Test func textsPastTheModelsLongestInputAreCutAndSayTheyWere() throws {
        let tokenizer = try GoldenVectors.model().tokenizer
        #expect(tokenizer.maxSequenceLength == 256)
        let exact = tokenizer.tokenize(Array(repeating: "word", count: 254).joined(separator: " "))
        #expect(exact.ids.count == 256)
        #expect(!exact.truncated)
        let over = tokenizer.tokenize(Array(repeating: "word", count: 255).joined(separator: " "))
        #expect(over.ids.count == 256)
        #expect(over.truncated)
        #expect(over.ids.first == 101 && over.ids.last == 102)
    }

    @Test func aWordOverAHundredCharactersIsUnknownAndContinuationsCarryTheirPrefix() throws {
        let tokenizer = try GoldenVectors.model().tokenizer
        let vocabulary = tokenizer.vocabulary
        #expect(tokenizer.tokenize(String(repeating: "a", count: 100)).ids != [101, vocabulary.unknown, 102])
        #expect(tokenizer.tokenize(String(repeating: "a", count: 101)).ids == [101, vocabulary.unknown, 102])
        let expected = ["una", "##ff", "##ord", "##able"].map { vocabulary.id(of: $0) }
        #expect(tokenizer.tokenize("Unaffordable").ids == [101] + expected.compactMap { $0 } + [102])
    }
}
