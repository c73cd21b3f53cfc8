/// The text read from one document, in units that citations point into: one unit per page
/// of a PDF, one unit for the whole of any other format.
public struct ExtractedText: Sendable, Equatable {
    public let format: DocumentFormat
    public let units: [TextUnit]
    /// The number of pages of a PDF (pages without text included); nil for other formats.
    public let pageCount: Int?

    public init(format: DocumentFormat, units: [TextUnit], pageCount: Int?) {
        self.format = format
        self.units = units
        self.pageCount = pageCount
    }

    /// All units' text, in order, for hashing or display.
    public var fullText: String { units.map(\.text).joined(separator: "\n\n") }
}

/// A page (of a PDF) or a whole document: its text and where its sections begin.
///
/// Offsets here and in ``Chunk`` count Unicode scalars (code points) from the start of
/// `text`, so they mean the same in any language a client is written in.
public struct TextUnit: Sendable, Equatable {
    /// The 1-based page number; nil for formats without pages.
    public let page: Int?
    public let text: String
    /// Headings in order of their offset; text before the first one sits under no heading.
    public let sections: [SectionStart]

    public init(page: Int?, text: String, sections: [SectionStart] = []) {
        self.page = page
        self.text = text
        self.sections = sections
    }
}

/// A heading, and the offset in its unit's text where the heading (and so its section) begins.
public struct SectionStart: Sendable, Equatable {
    public let title: String
    public let offset: Int

    public init(title: String, offset: Int) {
        self.title = title
        self.offset = offset
    }
}
