import NIOPosix

/// Reads a document's bytes into ``ExtractedText``: PDF through Poppler, HTML through
/// libxml2, Markdown and plain text in Swift, all within ``ExtractionLimits``.
///
/// A document that cannot be read throws an ``ExtractionError`` whose reason a person
/// understands; it never crashes the process.
public struct DocumentExtractor: Sendable {
    public let limits: ExtractionLimits

    public init(limits: ExtractionLimits = ExtractionLimits()) {
        self.limits = limits
    }

    /// Extracts on NIO's blocking thread pool: the parsers are synchronous C and Swift code
    /// that must not hold up an event loop.
    public func extract(_ bytes: [UInt8], format: DocumentFormat) async throws -> ExtractedText {
        try await NIOThreadPool.singleton.runIfActive { [self] in try self.extractBlocking(bytes, format: format) }
    }

    /// Extracts on the calling thread, which must not be an event loop's.
    public func extractBlocking(_ bytes: [UInt8], format: DocumentFormat) throws(ExtractionError) -> ExtractedText {
        switch format {
        case .pdf:
            return try PDFTextReader.read(bytes, limits: limits)
        case .html:
            return try HTMLTextReader.read(bytes, limits: limits)
        case .markdown:
            return try MarkdownTextReader.read(try utf8Text(bytes, format: format), limits: limits)
        case .plainText:
            let text = try utf8Text(bytes, format: format)
            guard text.unicodeScalars.count <= limits.maxCharacters else { throw .tooLong(limit: limits.maxCharacters) }
            guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { throw .noText(format: format) }
            return ExtractedText(format: format, units: [TextUnit(page: nil, text: text)], pageCount: nil)
        }
    }

    /// The bytes as text, line ends normalised to `\n` and a byte-order mark dropped.
    private func utf8Text(_ bytes: [UInt8], format: DocumentFormat) throws(ExtractionError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8(format: format) }
        var normalised = text.replacing("\r\n", with: "\n")
        if normalised.unicodeScalars.first == "\u{FEFF}" { normalised.unicodeScalars.removeFirst() }
        return normalised
    }
}
