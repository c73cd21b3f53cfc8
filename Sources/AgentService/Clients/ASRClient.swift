import ServiceKit
import ServiceKitHTTPClient

/// asr's `POST /v1/transcriptions`: a voice turn's audio, sent as it came (a raw body with its
/// audio type, or the caller's multipart form with part `file`), and the transcript back.
struct ASRClient: Sendable {
    /// The parts of asr's stored transcript a voice turn uses; checkpointed with the run.
    struct Transcription: Codable, Sendable, Equatable {
        let id: String
        let text: String
        let durationSeconds: Double

        enum CodingKeys: String, CodingKey {
            case id, text
            case durationSeconds = "duration_seconds"
        }
    }

    let service: ServiceClient

    func transcribe(_ audio: [UInt8], contentType: String) async throws -> Transcription {
        try await service.post("/v1/transcriptions", bytes: audio, contentType: contentType, as: Transcription.self)
    }
}
