import Foundation
import Hummingbird
import PostgresNIO
import ServiceKit
import SpeechRecognition

/// A stored transcript as asr's own routes show it.
struct TranscriptView: APIModel, ResponseEncodable {
    struct Segment: Codable, Sendable {
        let start: Double
        let end: Double
        let text: String
        let noSpeechProbability: Double

        enum CodingKeys: String, CodingKey {
            case start, end, text
            case noSpeechProbability = "no_speech_prob"
        }
    }

    struct Word: Codable, Sendable {
        let word: String
        let start: Double
        let end: Double
        let probability: Double
    }

    let id: String
    /// The paging cursor; not shown.
    private(set) var seq: Int64 = 0
    let itemID: String?
    let text: String
    let language: String
    let durationSeconds: Double
    let segments: [Segment]
    let words: [Word]?
    let engine: String
    let model: String
    /// The configured provider failed and the local engine stood in.
    let degraded: Bool
    let processingSeconds: Double
    let audioFormat: String
    let createdAt: Date

    static let columns =
        "id, seq, item_id, text, language, duration_seconds, segments::text, words::text, engine, model, degraded, processing_seconds, audio_format, created_at"

    init(row: PostgresRow) throws {
        let (id, itemID, segmentsText, wordsText): (UUID, UUID?, String, String?)
        (
            id, seq, itemID, text, language, durationSeconds, segmentsText, wordsText, engine, model, degraded, processingSeconds, audioFormat,
            createdAt
        ) =
            try row.decode((UUID, Int64, UUID?, String, String, Double, String, String?, String, String, Bool, Double, String, Date).self)
        self.id = id.lowercased
        self.itemID = itemID?.lowercased
        segments = try JSONDecoder().decode([Segment].self, from: Data(segmentsText.utf8))
        words = try wordsText.map { try JSONDecoder().decode([Word].self, from: Data($0.utf8)) }
    }

    static func segments(of transcript: Transcript) -> [Segment] {
        transcript.segments.map { Segment(start: $0.start, end: $0.end, text: $0.text, noSpeechProbability: $0.noSpeechProbability) }
    }

    static func words(of transcript: Transcript) -> [Word]? {
        transcript.words?.map { Word(word: $0.word, start: $0.start, end: $0.end, probability: $0.probability) }
    }

    enum CodingKeys: String, CodingKey {
        case id, text, language, segments, words, engine, model, degraded
        case itemID = "item_id"
        case durationSeconds = "duration_seconds"
        case processingSeconds = "processing_seconds"
        case audioFormat = "audio_format"
        case createdAt = "created_at"
    }

    static var fieldConstraints: [String: FieldConstraint] { ["id": .format("uuid"), "item_id": .format("uuid")] }
}

/// A page of `GET /v1/transcripts`.
struct TranscriptPage: APIModel, ResponseEncodable {
    let transcripts: [TranscriptView]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case transcripts
        case nextCursor = "next_cursor"
    }
}
