import Foundation
import NIOCore

/// Swagger UI's files as `ops/models` leaves them in `DOCS_ASSETS_DIR`, read once at start-up,
/// so that serving them never touches the disk, let alone on an event loop.
struct APIExplorerAssets: Sendable {
    struct File: Sendable {
        let contentType: String
        let bytes: ByteBuffer
    }

    /// The only files `/docs/{asset}` serves from the folder: whatever else lies there stays unreachable.
    static let allowList: [String: String] = [
        "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
        "swagger-ui.css": "text/css; charset=utf-8",
        "favicon-32x32.png": "image/png",
        "LICENSE": "text/plain; charset=utf-8",
    ]

    /// The media types `/docs/{asset}` answers with (the generated initializer is JavaScript too).
    static var mediaTypes: [String] {
        Set(allowList.values.map { String($0.prefix { $0 != ";" }) }).sorted()
    }

    let files: [String: File]
    /// Files of the allow-list not found in the folder; while any is, `/docs` is unavailable.
    let missing: [String]

    init(directory: String) {
        var files: [String: File] = [:]
        var missing: [String] = []
        for (name, contentType) in Self.allowList.sorted(by: { $0.key < $1.key }) {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            if let data = FileManager.default.contents(atPath: path) {
                files[name] = File(contentType: contentType, bytes: ByteBuffer(bytes: data))
            } else {
                missing.append(name)
            }
        }
        // Half a Swagger UI renders nothing useful, so any missing file disables the explorer.
        self.files = missing.isEmpty ? files : [:]
        self.missing = missing
    }

    /// What a client is told while files are missing: the setup step, not the server's paths.
    static let setupStep = "The API explorer's files are missing from DOCS_ASSETS_DIR: run ops/models swagger-ui (part of ops/models) to fetch them."
}
