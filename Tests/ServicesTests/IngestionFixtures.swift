import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport

/// Request bodies for ingestion's upload tests.
enum Uploads {
    /// A 16-bit PCM mono WAV of `seconds` of a 440 Hz tone.
    static func wav(seconds: Double = 0.25, sampleRate: Int = 16_000, audioFormat: UInt16 = 1) -> [UInt8] {
        let samples = Int(Double(sampleRate) * seconds)
        var data: [UInt8] = []
        for index in 0..<samples {
            let value = Int16(sin(Double(index) * 2 * .pi * 440 / Double(sampleRate)) * 8000)
            data += withUnsafeBytes(of: value.littleEndian, Array.init)
        }
        func u32(_ value: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(value).littleEndian, Array.init) }
        func u16(_ value: Int) -> [UInt8] { withUnsafeBytes(of: UInt16(value).littleEndian, Array.init) }
        let format = u16(Int(audioFormat)) + u16(1) + u32(sampleRate) + u32(sampleRate * 2) + u16(2) + u16(16)
        let chunks = Array("fmt ".utf8) + u32(16) + format + Array("data".utf8) + u32(data.count) + data
        return Array("RIFF".utf8) + u32(4 + chunks.count) + Array("WAVE".utf8) + chunks
    }

    static let pdf = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    /// A multipart/form-data body and its Content-Type.
    static func multipart(_ parts: [(name: String, filename: String?, contentType: String?, body: [UInt8])]) -> (contentType: String, body: [UInt8]) {
        let boundary = "----suite\(UUID().uuidString.prefix(8))"
        var body: [UInt8] = []
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { head += "; filename=\"\(filename)\"" }
            head += "\r\n"
            if let type = part.contentType { head += "Content-Type: \(type)\r\n" }
            head += "\r\n"
            body += Array(head.utf8) + part.body + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", body)
    }
}

extension RunningService {
    func post(_ path: String, contentType: String, body: [UInt8], headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await TestHTTPResponse.send(
            .POST,
            baseURL + path,
            headers: [("Content-Type", contentType)] + headers,
            body: .bytes(ByteBuffer(bytes: body))
        )
    }

    /// Polls `GET /v1/jobs/{id}` until its status is `status`.
    func waitForJob(_ id: String, status: String, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try await send(.GET, "/v1/jobs/\(id)").json
            if last["status"] as? String == status { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandFailure(command: "wait for job \(id) to be \(status)", output: "\(last)")
    }
}
