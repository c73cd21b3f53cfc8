import Foundation

/// Reads Markdown as its reader would see it rendered: ATX (`# Title`) and setext
/// (`Title` over `===`) headings become section titles, and the markup (emphasis, links,
/// images, code fences, list and quote markers, tables' pipes, inline HTML) is removed.
/// Fenced and indented code keeps its lines.
enum MarkdownTextReader {
    static func read(_ text: String, limits: ExtractionLimits) throws(ExtractionError) -> ExtractedText {
        var builder = TextBuilder()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        var fence: Substring?
        var index = 0
        var paragraphOpen = false
        while index < lines.count {
            let line = lines[index]
            defer { index += 1 }
            let trimmed = line.trimmingLeadingSpaces()
            if let open = fence {
                if trimmed.hasPrefix(open), trimmed.drop(while: { $0 == open.first }).allSatisfy(\.isWhitespace) {
                    fence = nil
                    builder.breakParagraph()
                } else {
                    builder.appendVerbatimLine(line)
                }
                continue
            }
            if let marker = fenceMarker(trimmed) {
                fence = marker
                builder.breakParagraph()
                paragraphOpen = false
                continue
            }
            if trimmed.allSatisfy(\.isWhitespace) {
                builder.breakParagraph()
                paragraphOpen = false
                continue
            }
            if let title = atxHeading(trimmed) {
                builder.appendHeading(inlineText(title))
                paragraphOpen = false
                continue
            }
            if !paragraphOpen, index + 1 < lines.count, isSetextUnderline(lines[index + 1]) {
                builder.appendHeading(inlineText(trimmed))
                index += 1
                continue
            }
            if isThematicBreak(trimmed) || isReferenceDefinition(trimmed) || isTableDelimiterRow(trimmed) {
                builder.breakParagraph()
                paragraphOpen = false
                continue
            }
            if !paragraphOpen, line.hasPrefix("    ") || line.hasPrefix("\t") {
                builder.appendVerbatimLine(line.drop(while: \.isWhitespace))
                continue
            }
            let (content, startsItem) = strippingBlockMarkers(trimmed)
            if startsItem { builder.breakLine() }
            builder.appendInline(inlineText(content))
            builder.breakLine()
            paragraphOpen = true
        }
        guard builder.length <= limits.maxCharacters else { throw .tooLong(limit: limits.maxCharacters) }
        guard builder.length > 0 else { throw .noText(format: .markdown) }
        return ExtractedText(format: .markdown, units: [TextUnit(page: nil, text: builder.text, sections: builder.sections)], pageCount: nil)
    }

    /// The opening of a code fence (three or more backticks or tildes), as the string that closes it.
    private static func fenceMarker(_ line: Substring) -> Substring? {
        guard let first = line.first, first == "`" || first == "~" else { return nil }
        let run = line.prefix(while: { $0 == first })
        return run.count >= 3 ? run : nil
    }

    private static func atxHeading(_ line: Substring) -> Substring? {
        let hashes = line.prefix(while: { $0 == "#" })
        guard (1...6).contains(hashes.count) else { return nil }
        let rest = line.dropFirst(hashes.count)
        guard rest.isEmpty || rest.first!.isWhitespace else { return nil }
        // A closing run of hashes is markup too.
        var title = rest.trimmingCharacters(in: .whitespaces)[...]
        while title.last == "#" { title = title.dropLast() }
        return title
    }

    private static func isSetextUnderline(_ line: Substring) -> Bool {
        let trimmed = line.trimmingLeadingSpaces().trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.first, first == "=" || first == "-" else { return false }
        return trimmed.allSatisfy { $0 == first }
    }

    private static func isThematicBreak(_ line: Substring) -> Bool {
        let marks = line.filter { !$0.isWhitespace }
        guard let first = marks.first, "-*_".contains(first), marks.count >= 3 else { return false }
        return marks.allSatisfy { $0 == first }
    }

    private static func isReferenceDefinition(_ line: Substring) -> Bool {
        line.wholeMatch(of: #/\[[^\]]+\]:\s*\S+.*/#) != nil
    }

    private static func isTableDelimiterRow(_ line: Substring) -> Bool {
        line.contains("-") && line.contains("|") && line.allSatisfy { "|-: \t".contains($0) }
    }

    /// Drops quote markers, list bullets, ordered-list numbers and task boxes; says whether a list item starts here.
    private static func strippingBlockMarkers(_ line: Substring) -> (Substring, Bool) {
        var rest = line
        while rest.first == ">" { rest = rest.dropFirst().trimmingLeadingSpaces() }
        var startsItem = false
        if let bullet = rest.first, "-*+".contains(bullet), rest.dropFirst().first?.isWhitespace == true {
            rest = rest.dropFirst(2).trimmingLeadingSpaces()
            startsItem = true
        } else if let match = rest.prefixMatch(of: #/\d{1,9}[.)]\s+/#) {
            rest = rest[match.range.upperBound...]
            startsItem = true
        }
        if let box = rest.prefixMatch(of: #/\[[ xX]\]\s+/#) { rest = rest[box.range.upperBound...] }
        return (rest, startsItem)
    }

    /// Inline markup removed: images by their alt text, links by their text, code spans by
    /// their code, emphasis marks, inline HTML tags, table pipes and backslash escapes.
    static func inlineText(_ text: some StringProtocol) -> String {
        var result = String(text)
        result.replace(#/!\[([^\]]*)\]\([^)]*\)/#) { $0.output.1 }
        result.replace(#/\[([^\]]+)\](\([^)]*\)|\[[^\]]*\])/#) { $0.output.1 }
        result.replace(#/<(https?://[^>\s]+)>/#) { $0.output.1 }
        result.replace(#/</?[A-Za-z][^>]*>/#, with: "")
        result.replace(#/`+([^`]*)`+/#) { $0.output.1 }
        result.replace(#/(\*\*|__|\*|~~)(\S(?:.*?\S)?)\1/#) { $0.output.2 }
        // Single underscores only at word edges, so snake_case survives.
        result.replace(#/(^|[^\w\\])_(\S(?:.*?\S)?)_(?!\w)/#) { $0.output.1 + $0.output.2 }
        result.replace(#/\s*\|\s*/#, with: " ")
        result.replace(#/\\([\\`*_{}\[\]()#+\-.!|>~])/#) { $0.output.1 }
        return result
    }
}

extension Substring {
    func trimmingLeadingSpaces() -> Substring { drop(while: { $0 == " " }) }
}
