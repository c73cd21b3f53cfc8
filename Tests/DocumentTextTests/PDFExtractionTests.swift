import DocumentText
import TestSupport
import Testing

/// PDF text through Poppler, on a real manual and on PDFs that each break one thing.
@Suite struct PDFExtractionTests {
    let extractor = DocumentExtractor()

    @Test func readsEveryPageOfARealManualWithItsPageNumber() async throws {
        let text = try await extractor.extract(try PDFFixtures.manual(), format: .pdf)
        #expect(text.pageCount == 26)
        #expect(text.units.map(\.page) == Array(1...26).map { Optional($0) })
        // Phrases that pdftotext places on these pages of the manual.
        #expect(text.units[0].text.contains("Camlidl user’s manual"))
        #expect(text.units[1].text.contains("Inside COM by Dale Rogerson"))
        #expect(text.units[2].text.contains("Unique identifiers are composed of 16 hexadecimal digits"))
        #expect(!text.units[0].text.contains("Inside COM"))
    }

    @Test func anEncryptedPDFIsReportedAsEncrypted() throws {
        #expect(throws: ExtractionError.encrypted) { try extractor.extractBlocking(try PDFFixtures.encryptedManual(), format: .pdf) }
    }

    @Test func aTruncatedPDFIsUnreadable() throws {
        let manual = try PDFFixtures.manual()
        for length in [manual.count / 2, 2000, 0] {
            #expect {
                try extractor.extractBlocking(Array(manual.prefix(length)), format: .pdf)
            } throws: { error in
                guard case .unreadable(.pdf, _) = error as? ExtractionError else { return false }
                return true
            }
        }
    }

    @Test func aPDFWithoutPagesSaysSo() throws {
        #expect(throws: ExtractionError.noPages) { try extractor.extractBlocking(try PDFFixtures.zeroPages(), format: .pdf) }
    }

    @Test func aScanWithoutTextLayerSaysSo() throws {
        #expect(throws: ExtractionError.noTextLayer(pages: 1)) { try extractor.extractBlocking(try PDFFixtures.imageOnly(), format: .pdf) }
    }

    @Test func pagesOverTheLimitAreRefusedBeforeReading() throws {
        let limited = DocumentExtractor(limits: ExtractionLimits(maxPages: 25))
        #expect(throws: ExtractionError.tooManyPages(count: 26, limit: 25)) { try limited.extractBlocking(try PDFFixtures.manual(), format: .pdf) }
    }

    @Test func textOverTheLimitIsRefused() throws {
        let limited = DocumentExtractor(limits: ExtractionLimits(maxCharacters: 5000))
        #expect(throws: ExtractionError.tooLong(limit: 5000)) { try limited.extractBlocking(try PDFFixtures.manual(), format: .pdf) }
    }

    @Test func reasonsReadAsSentences() {
        #expect(ExtractionError.encrypted.reason == "The PDF is encrypted and cannot be opened without its password.")
        #expect(ExtractionError.noTextLayer(pages: 3).reason.contains("None of the PDF's 3 pages has a text layer"))
    }
}
