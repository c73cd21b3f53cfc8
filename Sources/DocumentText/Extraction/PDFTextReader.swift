import CPoppler

/// Reads a PDF page by page through Poppler's GLib API, so every unit knows its page.
///
/// Blocking C work: ``DocumentExtractor`` runs it on a thread pool, never on an event loop.
enum PDFTextReader {
    static func read(_ bytes: [UInt8], limits: ExtractionLimits) throws(ExtractionError) -> ExtractedText {
        PopplerDiagnostics.routeOnce()
        // g_bytes_new copies, so the document never points into Swift-owned memory.
        let data = bytes.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(data) }
        var failure: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_bytes(data, nil, &failure) else {
            throw openingError(failure)
        }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }

        let pageCount = Int(poppler_document_get_n_pages(document))
        guard pageCount > 0 else { throw .noPages }
        guard pageCount <= limits.maxPages else { throw .tooManyPages(count: pageCount, limit: limits.maxPages) }

        var units: [TextUnit] = []
        var characters = 0
        for index in 0..<pageCount {
            guard let page = poppler_document_get_page(document, Int32(index)) else {
                throw .unreadable(format: .pdf, detail: "page \(index + 1) cannot be loaded")
            }
            let text = pageText(page)
            g_object_unref(UnsafeMutableRawPointer(page))
            characters += text.unicodeScalars.count
            guard characters <= limits.maxCharacters else { throw .tooLong(limit: limits.maxCharacters) }
            if !text.isEmpty { units.append(TextUnit(page: index + 1, text: text)) }
        }
        guard !units.isEmpty else { throw .noTextLayer(pages: pageCount) }
        return ExtractedText(format: .pdf, units: units, pageCount: pageCount)
    }

    /// A page's text layer, lines kept, trailing blanks and form feeds dropped.
    private static func pageText(_ page: OpaquePointer) -> String {
        guard let raw = poppler_page_get_text(page) else { return "" }
        defer { g_free(raw) }
        var scalars = Array(String(cString: raw).unicodeScalars)
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        var leading = 0
        while leading < scalars.count, scalars[leading].properties.isWhitespace { leading += 1 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[leading...])
        return String(text)
    }

    private static func openingError(_ failure: UnsafeMutablePointer<GError>?) -> ExtractionError {
        guard let failure else { return .unreadable(format: .pdf, detail: "Poppler gave no reason") }
        defer { g_error_free(failure) }
        if failure.pointee.domain == poppler_error_quark(), failure.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
            return .encrypted
        }
        return .unreadable(format: .pdf, detail: failure.pointee.message.map { String(cString: $0) } ?? "unknown error")
    }
}
