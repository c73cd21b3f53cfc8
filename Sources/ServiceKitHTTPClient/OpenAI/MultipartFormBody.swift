import Foundation
import NIOCore

/// Builds a `multipart/form-data` body (RFC 7578) of text fields and files.
struct MultipartFormBody {
    let boundary = "suite-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    private var buffer = ByteBuffer()

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func addField(_ name: String, _ value: String) {
        buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(name))\"\r\n\r\n\(value)\r\n")
    }

    mutating func addFile(_ name: String, filename: String, contentType: String, bytes: [UInt8]) {
        buffer.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(name))\"; filename=\"\(Self.quoted(filename))\"\r\nContent-Type: \(Self.headerValue(contentType))\r\n\r\n"
        )
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n")
    }

    /// The finished body.
    func bytes() -> ByteBuffer {
        var body = buffer
        body.writeString("--\(boundary)--\r\n")
        return body
    }

    /// A name or file name inside quotes: quotes and line breaks would end the header early.
    private static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    private static func headerValue(_ text: String) -> String {
        text.filter { $0 != "\r" && $0 != "\n" }
    }
}
