import Foundation
import Logging
import ServiceKit
import ServiceKitHTTPClient
import SpeechRecognition

/// The handler of `jobs:asr`: fetches an audio item from ingestion, transcribes it and stores
/// the transcript under the item. The job's result is `{transcript_id, text, duration_seconds}`,
/// which ingestion's job API and its event stream show.
///
/// Idempotent: a job run again for an item that already has its transcript returns that one
/// without decoding again. Audio that cannot be read ends the job `dead` at once, with why.
struct TranscriptionJob: Sendable {
    let items: IngestionItems
    let store: TranscriptStore
    let speech: SpeechToText
    let logger: Logger

    struct Outcome: Encodable {
        let transcriptID: String
        let text: String
        let durationSeconds: Double

        enum CodingKeys: String, CodingKey {
            case text
            case transcriptID = "transcript_id"
            case durationSeconds = "duration_seconds"
        }
    }

    func handle(_ job: Job) async throws -> String? {
        let itemID = try ItemJobPayload.itemID(of: job)
        let transcript = try await transcript(of: itemID)
        let outcome = Outcome(transcriptID: transcript.id, text: transcript.text, durationSeconds: transcript.durationSeconds)
        return String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
    }

    private func transcript(of itemID: UUID) async throws -> TranscriptView {
        if let existing = try await store.transcript(itemID: itemID) { return existing }
        let item = try await items.item(itemID.lowercased)
        let outcome: SpeechToText.Outcome
        do {
            outcome = try await speech.transcribe(item.content, contentType: item.contentType, options: TranscriptionOptions())
        } catch let error as AudioDecodingError {
            throw PermanentJobFailure(Self.reason(error))
        }
        return try await store.insert(outcome, itemID: itemID)
    }

    static func reason(_ error: AudioDecodingError) -> String {
        switch error {
        case .notAudio(let reason): "The item is not audio asr can read: \(reason)."
        case .unreadable(let reason): "The audio cannot be decoded: \(reason)."
        case .tooLong(let seconds, let limit):
            "The audio lasts \(Int(seconds.rounded())) s; asr transcribes at most \(Int(limit)) s (ASR_MAX_SECONDS)."
        }
    }
}
