import CLibXML2
import Foundation

/// Reads the visible text of HTML through libxml2's HTML parser: headings kept as section
/// titles, block elements as paragraphs, and what a reader never sees (scripts, styles,
/// navigation, templates, the head) dropped.
///
/// The parser recovers from broken markup, never touches the network and loads no external
/// entities or DTDs. Blocking C work: ``DocumentExtractor`` runs it off the event loop.
enum HTMLTextReader {
    static let hiddenElements: Set<String> = ["script", "style", "nav", "noscript", "template", "head", "svg", "iframe", "object", "canvas"]
    static let headingElements: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]
    static let lineElements: Set<String> = ["br", "li", "tr", "dt", "dd", "option"]
    static let paragraphElements: Set<String> = [
        "p", "div", "section", "article", "main", "header", "footer", "aside", "ul", "ol", "dl", "table", "thead", "tbody",
        "tfoot", "blockquote", "pre", "figure", "figcaption", "form", "fieldset", "address", "hr", "details", "summary", "body",
    ]
    static let cellElements: Set<String> = ["td", "th"]

    private static let parserReady: Void = { xmlInitParser() }()

    static func read(_ bytes: [UInt8], limits: ExtractionLimits) throws(ExtractionError) -> ExtractedText {
        _ = parserReady
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
        // Without a declared charset libxml2 would assume ISO-8859-1; the suite's text is UTF-8.
        let encoding: String? = declaresCharset(bytes) ? nil : "UTF-8"
        guard bytes.count <= Int(Int32.max) else { throw .tooLong(limit: limits.maxCharacters) }
        let parsed: htmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                if let encoding {
                    return htmlReadMemory(characters.baseAddress, Int32(characters.count), nil, encoding, options)
                }
                return htmlReadMemory(characters.baseAddress, Int32(characters.count), nil, nil, options)
            }
        }
        guard let document = parsed else { throw .unreadable(format: .html, detail: "libxml2 could not parse it") }
        defer { xmlFreeDoc(document) }

        var builder = TextBuilder()
        if let root = xmlDocGetRootElement(document) { visit(root, into: &builder) }
        guard builder.length <= limits.maxCharacters else { throw .tooLong(limit: limits.maxCharacters) }
        guard builder.length > 0 else { throw .noText(format: .html) }
        return ExtractedText(format: .html, units: [TextUnit(page: nil, text: builder.text, sections: builder.sections)], pageCount: nil)
    }

    private static func visit(_ node: xmlNodePtr, into builder: inout TextBuilder) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content { builder.appendInline(String(cString: content)) }
        case XML_ELEMENT_NODE:
            let name = node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
            if hiddenElements.contains(name) { return }
            if headingElements.contains(name) {
                var title = TextBuilder()
                visitChildren(of: node, into: &title)
                builder.appendHeading(title.text)
                return
            }
            let isParagraph = paragraphElements.contains(name)
            let isLine = lineElements.contains(name)
            if isParagraph { builder.breakParagraph() } else if isLine { builder.breakLine() }
            if cellElements.contains(name) { builder.appendInline(" ") }
            visitChildren(of: node, into: &builder)
            if isParagraph { builder.breakParagraph() } else if isLine { builder.breakLine() }
            if cellElements.contains(name) { builder.appendInline(" ") }
        default:
            // Comments, processing instructions and the like are never shown.
            return
        }
    }

    private static func visitChildren(of node: xmlNodePtr, into builder: inout TextBuilder) {
        var child = node.pointee.children
        while let current = child {
            visit(current, into: &builder)
            child = current.pointee.next
        }
    }

    /// Whether the first kilobytes declare a charset (`<meta charset>` or an http-equiv Content-Type).
    private static func declaresCharset(_ bytes: [UInt8]) -> Bool {
        String(decoding: bytes.prefix(2048), as: UTF8.self).lowercased().contains("charset")
    }
}
