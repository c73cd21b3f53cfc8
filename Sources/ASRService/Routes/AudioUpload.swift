import Hummingbird
import ServiceKit

/// An audio upload and its form fields: a raw body with an audio media type (fields then come
/// from the query string), or `multipart/form-data` with the audio in part `file`.
struct AudioUpload: Sendable {
    let audio: [UInt8]
    /// The type the client gave the audio (the file part's, or the body's).
    let contentType: String?
    /// Every field but `file`, by name, in the order sent (a name may repeat, like
    /// `timestamp_granularities[]`).
    let fields: [(name: String, value: String)]

    /// Raw bodies with these types, and any `audio/…`, are read; libsndfile then tells what the bytes really are.
    static let otherRawTypes = ["application/octet-stream", "application/ogg", "video/ogg", "video/webm"]

    static func acceptsRaw(_ mediaType: String) -> Bool {
        mediaType.hasPrefix("audio/") || otherRawTypes.contains(mediaType)
    }

    /// The upload as a route declares it: raw audio, or multipart with part `file` and these text fields.
    static func body(fields: [String: JSONSchema]) -> RequestBodySpec {
        RequestBodySpec.bytes(["audio/*"] + otherRawTypes).or(.multipart(files: ["file"], fields: fields, required: ["file"]))
    }

    init(request: Request, body: [UInt8], multipartOnly: Bool = false) throws {
        let contentType = request.headers[.contentType]
        if let boundary = contentType.flatMap(MultipartForm.boundary(ofContentType:)) {
            let form = try MultipartForm(parsing: body, boundary: boundary)
            guard let file = form.part(named: "file") else {
                throw ValidationError(field: "file", message: "is required: the audio, as a multipart file part")
            }
            audio = file.body
            self.contentType = file.contentType
            fields = form.parts.filter { $0.name != "file" }.map { ($0.name, $0.text ?? "") }
            return
        }
        let mediaType = contentType.map { $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "" }
        if multipartOnly {
            throw unsupportedAudio("Send multipart/form-data with the audio in part \"file\"\(mediaType.map { ", not \($0)" } ?? "").")
        }
        if let mediaType, !Self.acceptsRaw(mediaType) {
            throw unsupportedAudio(
                "\(mediaType) is not audio; send the file with its audio type (audio/wav, audio/flac, audio/mpeg, audio/ogg…) or as multipart."
            )
        }
        audio = body
        self.contentType = contentType
        fields = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    func field(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    func fields(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }
}

/// Not audio, or audio no decoder here reads: 415, saying what to send.
func unsupportedAudio(_ detail: String) -> HTTPError {
    HTTPError(.unsupportedMediaType, message: detail)
}
