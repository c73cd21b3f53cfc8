import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceKit
import SpeechRecognition

/// `GET /v1/stream`: live transcription over a WebSocket.
///
/// The client sends 16-bit little-endian mono PCM in binary messages, at 16 kHz or at the
/// `?sample_rate=` it names (a first text message `{"sample_rate": 44100, "language": "en"}`
/// does the same), and `{"type": "end"}` (or a close) when done. asr answers with JSON text
/// messages: `ready`, `partial` `{text, start}` about once a second while someone speaks,
/// `final` `{text, start, end}` at each pause, then `summary` `{text, duration_seconds,
/// segments}` and a normal close. Past `ASR_STREAM_MAX_SECONDS` of audio the stream ends with
/// an `error` message and close code 1008; past `ASR_STREAM_MAX` open streams a new one is
/// closed at once with 1013 (try again later).
struct StreamRoutes {
    struct Setup: Decodable {
        let sampleRate: Int?
        let language: String?

        enum CodingKeys: String, CodingKey {
            case language
            case sampleRate = "sample_rate"
        }
    }

    static let sampleRates = 8000...48_000
    static let sampleRate = QueryParameter<Int>.integer("sample_rate", in: sampleRates).describing("Hz of the PCM sent; 16000 when absent.")

    static func add(to routes: ServiceRoutes, transcriber: Transcriber, settings: ASRSettings) {
        let slots = StreamSlots(
            capacity: settings.maxStreams,
            metrics: routes.environment.metrics,
            name: "streams",
            help: "Live transcription streams open on this replica."
        )
        let logger = routes.environment.logger
        routes.webSocket(
            "/v1/stream",
            summary: "Live transcription over a WebSocket: 16-bit mono PCM in, JSON partial, final and summary messages out.",
            query: [Self.sampleRate, TranscriptionFields.language],
            responses: [.switchingProtocols: "The WebSocket session.", .unprocessableContent: "An invalid sample_rate or language."],
            admit: { request, _ in _ = try query(of: request) },
            session: { inbound, outbound, context in
                do {
                    try slots.acquire()
                } catch {
                    try await outbound.close(.unknown(1013), reason: "too many streams on this replica; retry shortly")
                    return
                }
                defer { slots.release() }
                var (rate, options) = try query(of: context.request)
                var stream: SpeechStream?
                func send(_ fields: [String: AnyJSON]) async throws {
                    let data = try JSONEncoder().encode(AnyJSON.object(fields))
                    try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
                }
                func send(_ events: [SpeechStream.Event]) async throws {
                    for event in events {
                        switch event {
                        case .partial(let text, let start):
                            try await send(["type": .string("partial"), "text": .string(text), "start": .number(start)])
                        case .final(let text, let start, let end):
                            try await send(["type": .string("final"), "text": .string(text), "start": .number(start), "end": .number(end)])
                        }
                    }
                }
                func started() async throws -> SpeechStream {
                    if let stream { return stream }
                    let created = try SpeechStream(
                        transcriber: transcriber,
                        sampleRate: rate,
                        options: options,
                        maxSeconds: settings.streamMaxSeconds
                    )
                    stream = created
                    return created
                }
                try await send(["type": .string("ready"), "sample_rate": .number(Double(rate))])
                // The connection is read apart from the decoding, so pings are answered (and a
                // flood noticed) while a decode runs; what is read waits in the queue, capped
                // at the stream's longest audio.
                let (queue, reader) = AsyncThrowingStream.makeStream(of: WebSocketMessage.self)
                let byteLimit = Int(settings.streamMaxSeconds * Double(StreamRoutes.sampleRates.upperBound) * 2) + (1 << 20)
                let reading = Task {
                    var bytes = 0
                    do {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .binary(let buffer) = message { bytes += buffer.readableBytes }
                            guard bytes <= byteLimit else { throw SpeechStreamTooLong(limit: settings.streamMaxSeconds) }
                            reader.yield(message)
                        }
                        reader.finish()
                    } catch {
                        reader.finish(throwing: error)
                    }
                }
                defer { reading.cancel() }
                do {
                    messages: for try await message in queue {
                        switch message {
                        case .binary(let buffer):
                            try await send(try await started().append(pcm16: Array(buffer.readableBytesView)))
                        case .text(let text):
                            if let setup = try? JSONDecoder().decode(Setup.self, from: Data(text.utf8)), stream == nil,
                                setup.sampleRate != nil || setup.language != nil
                            {
                                (rate, options) = try validated(sampleRate: setup.sampleRate ?? rate, language: setup.language ?? options.language)
                                continue
                            }
                            if text.contains("\"end\"") { break messages }
                        }
                    }
                    let live = try await started()
                    try await send(try await live.finish())
                    let finals = live.finalSegments.compactMap { event -> (text: String, start: Double, end: Double)? in
                        guard case .final(let text, let start, let end) = event else { return nil }
                        return (text, start, end)
                    }
                    try await send([
                        "type": .string("summary"), "text": .string(finals.map(\.text).joined(separator: " ")),
                        "duration_seconds": .number(live.duration),
                        "segments": .array(finals.map { .object(["text": .string($0.text), "start": .number($0.start), "end": .number($0.end)]) }),
                    ])
                    try await outbound.close(.normalClosure, reason: nil)
                } catch let error as SpeechStreamTooLong {
                    try await send([
                        "type": .string("error"), "message": .string("The stream passed \(Int(error.limit)) s of audio (ASR_STREAM_MAX_SECONDS)."),
                    ])
                    try await outbound.close(.policyViolation, reason: "stream too long")
                } catch let error as ValidationError {
                    try await send(["type": .string("error"), "message": .string(error.detail)])
                    try await outbound.close(.policyViolation, reason: "invalid setup")
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    logger.error("live transcription failed", metadata: ["error": "\(String(reflecting: error))"])
                    try await send(["type": .string("error"), "message": .string("Transcription failed.")])
                    try await outbound.close(.unexpectedServerError, reason: "transcription failed")
                }
            }
        )
    }

    /// `?sample_rate=` and `?language=`, each bad value named.
    static func query(of request: Request) throws -> (Int, TranscriptionOptions) {
        var query = ListQuery(request)
        let rate = query.value(sampleRate) ?? DecodedAudio.sampleRate
        let language = query.value(TranscriptionFields.language)
        try query.validated()
        return (rate, TranscriptionOptions(language: language))
    }

    /// A session's setup message, read by the same rules as the query.
    static func validated(sampleRate: Int, language: String?) throws -> (Int, TranscriptionOptions) {
        var problems: [FieldError] = []
        if !sampleRates.contains(sampleRate) {
            problems.append(FieldError(field: Self.sampleRate.name, message: Self.sampleRate.message))
        }
        let code = language.flatMap(TranscriptionFields.language.value(of:))
        if language != nil, code == nil {
            problems.append(FieldError(field: TranscriptionFields.language.name, message: TranscriptionFields.language.message))
        }
        guard problems.isEmpty else { throw ValidationError(fields: problems, detail: "The stream's parameters are not valid.") }
        return (sampleRate, TranscriptionOptions(language: code))
    }
}
