import Foundation

/// The kinds of document rag reads, named by the media types ingestion accepts.
public enum DocumentFormat: String, Sendable, CaseIterable {
    case pdf = "application/pdf"
    case html = "text/html"
    case markdown = "text/markdown"
    case plainText = "text/plain"

    /// The format of a `Content-Type` value (parameters such as `charset` ignored), if rag reads it.
    public init?(contentType: String) {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "application/pdf": self = .pdf
        case "text/html", "application/xhtml+xml": self = .html
        case "text/markdown", "text/x-markdown": self = .markdown
        case "text/plain": self = .plainText
        default: return nil
        }
    }
}
