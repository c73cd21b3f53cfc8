import ASRService
import Foundation
import HummingbirdWSClient
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceKit
import TestSupport
import Testing

/// asr's live transcription over a real WebSocket: flite speech sent in real time.
@Suite(.serialized) struct ASRStreamTests {
    /// What a session received: every JSON message in order, and how the server closed.
    struct Session: Sendable {
        var messages: [[String: any Sendable]] = []
        var closeCode: String?
        var types: [String] { messages.compactMap { $0["type"] as? String } }
    }

    /// Connects to `url`, sends `pcm` in chunks of `chunkSeconds` (pausing that long between
    /// them when `realTime`), then `{"type":"end"}`, and reads until the server closes.
    static func stream(_ url: String, pcm: [UInt8], chunkSeconds: Double = 0.1, realTime: Bool = true, end: Bool = true) async throws -> Session {
        let received = NIOLockedValueBox(Session())
        let close = try await WebSocketClient.connect(url: url, logger: Logger(label: "stream-test")) { inbound, outbound, _ in
            let chunk = Int(chunkSeconds * 16_000) * 2
            let sender = Task {
                for start in stride(from: 0, to: pcm.count, by: chunk) {
                    try await outbound.write(.binary(ByteBuffer(bytes: pcm[start..<min(start + chunk, pcm.count)])))
                    if realTime { try await Task.sleep(for: .seconds(chunkSeconds)) }
                }
                if end { try await outbound.write(.text(#"{"type": "end"}"#)) }
            }
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message, let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: any Sendable]
                else { continue }
                received.withLockedValue { $0.messages.append(json) }
            }
            sender.cancel()
        }
        return received.withLockedValue { session in
            session.closeCode = close.map { "\($0.closeCode)" }
            return session
        }
    }

    /// The sentences spoken with pauses, as raw 16 kHz 16-bit PCM.
    static func speech(pause: Double = 1.2) async throws -> [UInt8] {
        let folder = try SpeechFixtures.folder()
        var parts: [SpeechFixtures.Part] = [.pause(0.5)]
        for (index, sentence) in SpeechFixtures.sentences.enumerated() {
            parts += [.file(try await SpeechFixtures.speak(sentence, into: folder, name: "s\(index).wav")), .pause(pause)]
        }
        let wav = try await SpeechFixtures.concatenate(parts, into: folder, name: "speech.wav")
        let raw = try await SpeechFixtures.convert(wav, to: "speech.raw", arguments: [], in: folder)
        return Array(try Data(contentsOf: raw))
    }

    static func withASR(_ settings: [String: String] = [:], _ body: @Sendable (RunningService) async throws -> Void) async throws {
        let database = try await TestDatabase.fresh()
        try await RunningService.with(
            ASRService.definition,
            settings: ["DATABASE_URL": database, "ASR_THREADS": "2", "ASR_QUEUE_LIMIT": "4"].merging(settings) { $1 },
            waitForReady: true,
            body
        )
    }

    @Test func speechSentInRealTimeGivesPartialsFinalsAndASummary() async throws {
        let pcm = try await Self.speech()
        try await Self.withASR { asr in
            let session = try await Self.stream("ws://127.0.0.1:\(asr.port)/v1/stream", pcm: pcm)
            #expect(session.types.first == "ready")
            #expect(session.types.last == "summary", "\(session.types)")
            #expect(session.types.contains("partial"), "\(session.types)")
            let finals = session.messages.filter { $0["type"] as? String == "final" }
            #expect(finals.count >= SpeechFixtures.sentences.count - 1, "\(finals)")
            let text = finals.compactMap { $0["text"] as? String }.joined(separator: " ")
            #expect(WordErrorRate.of(text, reference: SpeechFixtures.sentences.joined(separator: " ")) <= 0.15, "\(text)")
            let starts = finals.compactMap { $0["start"] as? Double }
            #expect(starts == starts.sorted())
            let summary = try #require(session.messages.last)
            #expect(summary["text"] as? String == text)
            let duration = try #require(summary["duration_seconds"] as? Double)
            #expect(abs(duration - Double(pcm.count) / 32_000) < 0.5)
            #expect(session.closeCode == "normalClosure")
        }
    }

    @Test func aStreamPastItsLimitIsClosedWithAReason() async throws {
        let pcm = try await Self.speech()
        try await Self.withASR(["ASR_STREAM_MAX_SECONDS": "3"]) { asr in
            let session = try await Self.stream("ws://127.0.0.1:\(asr.port)/v1/stream", pcm: pcm, realTime: false, end: false)
            let error = try #require(session.messages.last { $0["type"] as? String == "error" })
            #expect((error["message"] as? String)?.contains("ASR_STREAM_MAX_SECONDS") == true)
            #expect(session.closeCode == "policyViolation")
        }
    }

    @Test func streamsPastTheReplicasCapAreTurnedAway() async throws {
        let pcm = try await Self.speech()
        try await Self.withASR(["ASR_STREAM_MAX": "1"]) { asr in
            let url = "ws://127.0.0.1:\(asr.port)/v1/stream"
            let first = Task { try await Self.stream(url, pcm: Array(pcm.prefix(32_000 * 4))) }
            try await asr.waitForMetric("asr_streams", toBe: 1)
            let second = try await Self.stream(url, pcm: [], realTime: false)
            #expect(second.closeCode == "unknown(1013)", "\(second)")
            #expect(try await first.value.types.last == "summary")
        }
    }

    @Test func badParametersAndPlainRequestsGetProblems() async throws {
        try await Self.withASR { asr in
            let plain = try await asr.send(.GET, "/v1/stream")
            #expect(plain.status == 426)
            #expect(plain.header("Upgrade") == "websocket")
            let bad = try await asr.send(.GET, "/v1/stream?sample_rate=5&language=english!")
            #expect(bad.status == 422)
            let fields = (try bad.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(Set(fields) == ["sample_rate", "language"])
            await #expect(throws: (any Error).self) {
                _ = try await Self.stream("ws://127.0.0.1:\(asr.port)/v1/stream?sample_rate=5", pcm: [], realTime: false)
            }
        }
    }
}
