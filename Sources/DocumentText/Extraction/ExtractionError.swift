/// Why a document could not be read; `reason` says so in words a person understands, and
/// it is what an index job reports when it ends `dead`.
public enum ExtractionError: Error, Equatable, CustomStringConvertible {
    /// The PDF needs a password to open.
    case encrypted
    /// The parser gave up on the bytes (a truncated or broken file); the detail is the parser's.
    case unreadable(format: DocumentFormat, detail: String)
    /// A PDF with no pages at all.
    case noPages
    /// A PDF whose pages carry no text layer, such as a scan.
    case noTextLayer(pages: Int)
    /// Nothing but whitespace (or, for HTML, only scripts, styles and navigation) was left.
    case noText(format: DocumentFormat)
    case tooManyPages(count: Int, limit: Int)
    case tooLong(limit: Int)
    /// Text that is not valid UTF-8.
    case notUTF8(format: DocumentFormat)

    public var reason: String {
        switch self {
        case .encrypted:
            return "The PDF is encrypted and cannot be opened without its password."
        case .unreadable(let format, let detail):
            return "The \(format.noun) cannot be read; it may be damaged or truncated (\(detail))."
        case .noPages:
            return "The PDF has no pages."
        case .noTextLayer(let pages):
            return "None of the PDF's \(pages) page\(pages == 1 ? "" : "s") has a text layer; it may be a scan, which would need OCR."
        case .noText(.html):
            return "The HTML has no visible text (only scripts, styles, navigation or markup)."
        case .noText(let format):
            return "The \(format.noun) contains no text."
        case .tooManyPages(let count, let limit):
            return "The PDF has \(count) pages, more than the \(limit) allowed (RAG_MAX_PAGES)."
        case .tooLong(let limit):
            return "The document's text is longer than the \(limit) characters allowed (RAG_MAX_CHARS)."
        case .notUTF8(let format):
            return "The \(format.noun) is not valid UTF-8 text."
        }
    }

    public var description: String { reason }
}

extension DocumentFormat {
    var noun: String {
        switch self {
        case .pdf: "PDF"
        case .html: "HTML"
        case .markdown: "Markdown document"
        case .plainText: "text"
        }
    }
}
