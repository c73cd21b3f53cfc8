import DocumentText
import Foundation
import Testing

/// HTML through libxml2, Markdown and plain text.
@Suite struct MarkupExtractionTests {
    let extractor = DocumentExtractor()

    func unit(_ source: String, _ format: DocumentFormat) throws -> TextUnit {
        let text = try extractor.extractBlocking(Array(source.utf8), format: format)
        #expect(text.units.count == 1)
        #expect(text.units[0].page == nil)
        return text.units[0]
    }

    @Test func htmlKeepsVisibleTextAndHeadingsOnly() throws {
        let html = """
            <!DOCTYPE html><html><head><title>Tab title</title><style>body { color: red }</style>
            <script>var secret = "script text";</script></head>
            <body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
            <h1>Release  notes</h1><p>Version 2 is <b>faster</b> &amp; smaller.</p>
            <noscript>Enable JavaScript</noscript><template><p>Template text</p></template>
            <!-- a comment -->
            <h2>Fixes</h2><ul><li>Crash on start</li><li>Slow search</li></ul>
            <script type="application/ld+json">{"x": 1}</script>
            </body></html>
            """
        let unit = try unit(html, .html)
        #expect(unit.text == "Release notes\n\nVersion 2 is faster & smaller.\n\nFixes\n\nCrash on start\nSlow search")
        #expect(unit.sections == [SectionStart(title: "Release notes", offset: 0), SectionStart(title: "Fixes", offset: 47)])
        for hidden in ["Tab title", "color", "secret", "Home", "About", "Enable JavaScript", "Template text", "comment", "\"x\""] {
            #expect(!unit.text.contains(hidden), "\(hidden) should not be visible")
        }
    }

    @Test func brokenHTMLIsRecovered() throws {
        let unit = try unit("<div><p>Unclosed <i>italic<p>Next paragraph</div></span>", .html)
        #expect(unit.text == "Unclosed italic\n\nNext paragraph")
    }

    @Test func htmlThatIsAllScriptHasNoText() {
        #expect(throws: ExtractionError.noText(format: .html)) {
            try extractor.extractBlocking(
                Array("<html><head><script>alert(1)</script></head><body><nav>Menu</nav><style>p{}</style></body></html>".utf8),
                format: .html
            )
        }
    }

    @Test func htmlLoadsNoExternalEntities() throws {
        let html = #"<!DOCTYPE html [<!ENTITY leak SYSTEM "file:///etc/hostname">]><html><body><p>before &leak; after</p></body></html>"#
        let unit = try unit(html, .html)
        let hostname = try String(contentsOfFile: "/etc/hostname", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(unit.text.contains("before"))
        #expect(unit.text.contains("after"))
        #expect(!unit.text.contains(hostname))
    }

    @Test func markdownHeadingsBecomeSectionTitlesAndMarkupGoes() throws {
        let markdown = """
            # Getting *started*

            Install with `swift build`, see [the guide](https://example.com/guide) and ![logo](logo.png).
            Keep **bold** and _emphasis_ text, and snake_case_names.

            Setup
            -----

            - first step
            - second step
            > quoted line

            ```swift
            let x = 1 // code stays
            ```

            ## Notes ##
            | a | b |
            |---|---|
            | 1 | 2 |
            """
        let unit = try unit(markdown, .markdown)
        #expect(unit.sections.map(\.title) == ["Getting started", "Setup", "Notes"])
        let scalars = Array(unit.text.unicodeScalars)
        for section in unit.sections {
            #expect(String(String.UnicodeScalarView(scalars[section.offset...].prefix(section.title.unicodeScalars.count))) == section.title)
        }
        #expect(unit.text.contains("Install with swift build, see the guide and logo."))
        #expect(unit.text.contains("Keep bold and emphasis text, and snake_case_names."))
        #expect(unit.text.contains("first step\nsecond step\nquoted line"))
        #expect(unit.text.contains("let x = 1 // code stays"))
        #expect(unit.text.contains("a b"))
        for markup in ["#", "**", "`", "](", "![", "|", "---", "```", "> "] {
            #expect(!unit.text.contains(markup), "\(markup) should be gone")
        }
    }

    @Test func plainTextIsKeptAsItIs() throws {
        let unit = try unit("Line one\r\n\r\nLine  two", .plainText)
        #expect(unit.text == "Line one\n\nLine  two")
        #expect(unit.sections.isEmpty)
    }

    @Test func emptyAndInvalidTextAreRefused() {
        #expect(throws: ExtractionError.noText(format: .plainText)) { try extractor.extractBlocking(Array(" \n\t".utf8), format: .plainText) }
        #expect(throws: ExtractionError.noText(format: .markdown)) { try extractor.extractBlocking(Array("---\n\n".utf8), format: .markdown) }
        #expect(throws: ExtractionError.notUTF8(format: .plainText)) { try extractor.extractBlocking([0x66, 0xFF, 0xFE], format: .plainText) }
    }

    @Test func formatsFollowContentTypes() {
        #expect(DocumentFormat(contentType: "text/html; charset=utf-8") == .html)
        #expect(DocumentFormat(contentType: "Application/PDF") == .pdf)
        #expect(DocumentFormat(contentType: "text/markdown") == .markdown)
        #expect(DocumentFormat(contentType: "image/png") == nil)
    }
}
