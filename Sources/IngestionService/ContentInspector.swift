/// Checks that uploaded bytes are what their declared type says: magic numbers for PDF,
/// strict UTF-8 without NUL bytes for the text types.
enum ContentInspector {
    static let documentTypes: Set<String> = ["text/plain", "text/markdown", "text/html", "application/pdf"]

    /// The media type without parameters, lower-cased (`text/plain; charset=utf-8` → `text/plain`).
    static func mediaType(_ contentType: String?) -> String? {
        contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// Nil when `bytes` match `mediaType`, else why not.
    static func mismatch(_ bytes: [UInt8], mediaType: String) -> String? {
        switch mediaType {
        case "application/pdf":
            return bytes.starts(with: Array("%PDF-".utf8)) ? nil : "the bytes are not a PDF (no %PDF- signature)"
        case "text/plain", "text/markdown", "text/html":
            guard String(validating: bytes, as: UTF8.self) != nil else { return "the bytes are not valid UTF-8 text" }
            guard !bytes.contains(0) else { return "the text contains NUL bytes" }
            if mediaType == "text/html", !bytes.contains(UInt8(ascii: "<")) { return "the bytes contain no HTML markup" }
            return nil
        default:
            return "\(mediaType) is not accepted; use one of \(documentTypes.sorted().joined(separator: ", "))"
        }
    }
}
