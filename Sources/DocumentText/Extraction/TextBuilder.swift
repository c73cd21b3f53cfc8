/// Assembles a unit's text from inline runs, line and paragraph breaks and headings, the way
/// a reader sees it: runs of whitespace collapse to one space, breaks never pile up at the
/// start or end, and each heading records the offset where its section begins.
struct TextBuilder {
    private(set) var text = ""
    /// Unicode scalars in `text`, the unit of every offset.
    private(set) var length = 0
    private(set) var sections: [SectionStart] = []
    private var pendingSpace = false
    /// 0: none, 1: a line break, 2: a paragraph break.
    private var pendingBreak = 0

    /// Appends inline text, collapsing whitespace.
    mutating func appendInline(_ run: some StringProtocol) {
        for scalar in run.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = true
            } else {
                flushPending()
                text.unicodeScalars.append(scalar)
                length += 1
            }
        }
    }

    /// Appends a line as it is (code, for instance), on a line of its own.
    mutating func appendVerbatimLine(_ line: some StringProtocol) {
        var scalars = Array(line.unicodeScalars)
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        breakLine()
        guard !scalars.isEmpty else { return }
        pendingSpace = false
        flushPending()
        text.unicodeScalars.append(contentsOf: scalars)
        length += scalars.count
        breakLine()
    }

    mutating func breakLine() { pendingBreak = max(pendingBreak, 1) }

    mutating func breakParagraph() { pendingBreak = 2 }

    /// A heading: its own paragraph, which starts a section titled after it.
    mutating func appendHeading(_ title: some StringProtocol) {
        var collapsed = TextBuilder()
        collapsed.appendInline(title)
        guard !collapsed.text.isEmpty else { return }
        breakParagraph()
        flushPending()
        sections.append(SectionStart(title: collapsed.text, offset: length))
        appendInline(collapsed.text)
        breakParagraph()
    }

    private mutating func flushPending() {
        if length > 0 {
            if pendingBreak > 0 {
                let separator = pendingBreak == 2 ? "\n\n" : "\n"
                text += separator
                length += separator.unicodeScalars.count
            } else if pendingSpace {
                text += " "
                length += 1
            }
        }
        pendingBreak = 0
        pendingSpace = false
    }
}
