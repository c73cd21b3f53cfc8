import Foundation

/// A parsed `multipart/form-data` body: its parts with their names, file names and types.
public struct MultipartForm: Sendable {
    public struct Part: Sendable {
        public let name: String
        public let filename: String?
        public let contentType: String?
        public let body: [UInt8]

        public var text: String? { String(validating: body, as: UTF8.self) }
    }

    public let parts: [Part]

    public func part(named name: String) -> Part? {
        parts.first { $0.name == name }
    }

    /// The boundary of a `multipart/form-data` Content-Type, or nil for any other type.
    public static func boundary(ofContentType contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            let value = piece.dropFirst("boundary=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.count > 70 ? nil : value
        }
        return nil
    }

    /// Parses `body`; a malformed body is a ``ValidationError`` on `body`.
    public init(parsing body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        let lineBreak: [UInt8] = [13, 10]
        var parts: [Part] = []
        guard var cursor = body.firstRange(of: delimiter)?.upperBound else {
            throw ValidationError(field: "body", message: "is not multipart/form-data with the declared boundary")
        }
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body[cursor...].starts(with: [45, 45]) { break }
            guard body[cursor...].starts(with: lineBreak) else {
                throw ValidationError(field: "body", message: "has a malformed multipart delimiter")
            }
            cursor += 2
            guard let headerEnd = body[cursor...].firstRange(of: lineBreak + lineBreak) else {
                throw ValidationError(field: "body", message: "has a multipart part without a header end")
            }
            let headers = String(decoding: body[cursor..<headerEnd.lowerBound], as: UTF8.self)
            guard let next = body[headerEnd.upperBound...].firstRange(of: lineBreak + delimiter) else {
                throw ValidationError(field: "body", message: "has an unterminated multipart part")
            }
            parts.append(try Self.part(headers: headers, body: Array(body[headerEnd.upperBound..<next.lowerBound])))
            cursor = next.upperBound
        }
        self.parts = parts
    }

    private static func part(headers: String, body: [UInt8]) throws -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if field == "content-type" { contentType = value }
            guard field == "content-disposition" else { continue }
            for parameter in value.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                let unquoted = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                switch pair[0].lowercased() {
                case "name": name = unquoted
                case "filename": filename = unquoted
                default: break
                }
            }
        }
        guard let name else { throw ValidationError(field: "body", message: "has a multipart part without a name") }
        return Part(name: name, filename: filename, contentType: contentType, body: body)
    }
}
