import Foundation
import SpeechRecognition
import TestSupport
import Testing

/// The local engine on real speech: flite's `slt` voice, in every format asr accepts.
@Suite(.serialized) struct TranscriberTests {
    static let model: WhisperModel? = try? WhisperModel(path: TestEnvironment.modelsDirectory + "/whisper/ggml-tiny.en.bin")

    static func transcriber(_ configuration: Transcriber.Configuration = .init(threads: 2)) throws -> Transcriber {
        guard let model else { throw WhisperModelError.missing(TestEnvironment.modelsDirectory + "/whisper/ggml-tiny.en.bin") }
        return try Transcriber(model: model, configuration: configuration)
    }

    @Test func everyFormatIsTranscribedToTheSentence() async throws {
        let transcriber = try Self.transcriber()
        let folder = try SpeechFixtures.folder()
        let sentence = SpeechFixtures.sentences[1]
        let source = try await SpeechFixtures.speak(sentence, into: folder)
        for variant in SpeechFixtures.variants {
            let file = try await SpeechFixtures.convert(source, to: variant.name, arguments: variant.arguments, in: folder)
            let result = try await transcriber.transcribe(Array(try Data(contentsOf: file)))
            let errorRate = WordErrorRate.of(result.transcript.text, reference: sentence)
            #expect(errorRate <= 0.15, "\(variant.name) (\(result.audio.format)): \"\(result.transcript.text)\", WER \(errorRate)")
            #expect(abs(result.transcript.durationSeconds - result.audio.durationSeconds) < 0.01)
            #expect(result.transcript.language == "en")
        }
    }

    @Test func everySentenceIsTranscribed() async throws {
        let transcriber = try Self.transcriber()
        let folder = try SpeechFixtures.folder()
        for (index, sentence) in SpeechFixtures.sentences.enumerated() {
            let file = try await SpeechFixtures.speak(sentence, into: folder, name: "s\(index).wav")
            let text = try await transcriber.transcribe(Array(try Data(contentsOf: file))).transcript.text
            #expect(WordErrorRate.of(text, reference: sentence) <= 0.15, "\"\(text)\" for \"\(sentence)\"")
        }
    }

    @Test func longAudioIsCutAtPausesWithTimestampsKept() async throws {
        let transcriber = try Self.transcriber()
        let folder = try SpeechFixtures.folder()
        var parts: [SpeechFixtures.Part] = [.pause(1)]
        for (index, sentence) in SpeechFixtures.sentences.enumerated() {
            parts += [.file(try await SpeechFixtures.speak(sentence, into: folder, name: "s\(index).wav")), .pause(index == 1 ? 20 : 3)]
        }
        let file = try await SpeechFixtures.concatenate(parts, into: folder, name: "long.wav")
        let result = try await transcriber.transcribe(Array(try Data(contentsOf: file)), options: .init(wordTimestamps: true))
        let transcript = result.transcript
        #expect(transcript.durationSeconds > 40)
        #expect(WordErrorRate.of(transcript.text, reference: SpeechFixtures.sentences.joined(separator: " ")) <= 0.15, "\(transcript.text)")
        // Segments are in order, inside the recording, and none falls in the 20 s pause.
        let starts = transcript.segments.map(\.start)
        #expect(starts == starts.sorted())
        #expect(transcript.segments.allSatisfy { $0.start >= 0 && $0.end <= transcript.durationSeconds + 0.1 && $0.start <= $0.end })
        let third = try #require(transcript.segments.first { $0.text.lowercased().contains("tickets") })
        #expect(third.start > 20, "the third sentence follows the long pause: \(third)")
        let words = try #require(transcript.words)
        #expect(words.contains { $0.word.lowercased().hasPrefix("database") })
        #expect(words.map(\.start) == words.map(\.start).sorted())
    }

    @Test func silenceNoiseAndTonesGiveNoText() async throws {
        let transcriber = try Self.transcriber()
        let folder = try SpeechFixtures.folder()
        let inputs = [
            try await SpeechFixtures.synthesise(5, ["sine", "0"], gain: -100, into: folder, name: "silence.wav"),
            try await SpeechFixtures.synthesise(5, ["whitenoise"], gain: -10, into: folder, name: "white.wav"),
            try await SpeechFixtures.synthesise(5, ["whitenoise"], gain: -35, into: folder, name: "quiet-white.wav"),
        ]
        for input in inputs {
            let transcript = try await transcriber.transcribe(Array(try Data(contentsOf: input))).transcript
            #expect(transcript.text.isEmpty, "\(input.lastPathComponent): \"\(transcript.text)\"")
            #expect(transcript.segments.isEmpty)
        }
    }

    @Test func aClipOfAFifthOfASecondGivesAtMostAWord() async throws {
        let transcriber = try Self.transcriber()
        let folder = try SpeechFixtures.folder()
        let speech = try await SpeechFixtures.speak(SpeechFixtures.sentences[0], into: folder)
        let clip = try await SpeechFixtures.trim(speech, from: 0.3, length: 0.2, in: folder, name: "clip.wav")
        let text = try await transcriber.transcribe(Array(try Data(contentsOf: clip))).transcript.text
        #expect(WordErrorRate.normalised(text).count <= 2, "\"\(text)\"")
    }

    @Test func whatIsNotAudioOrIsBrokenIsRefusedByKind() async throws {
        let transcriber = try Self.transcriber()
        let folder = try SpeechFixtures.folder()
        let textError = await #expect(throws: AudioDecodingError.self) {
            try await transcriber.transcribe(Array("just some text, not audio at all".utf8))
        }
        guard case .notAudio = textError else {
            Issue.record("text: \(String(describing: textError))")
            return
        }
        let wav = Array(try Data(contentsOf: try await SpeechFixtures.speak(SpeechFixtures.sentences[0], into: folder)))
        let cases: [(String, [UInt8])] = [
            ("header only", Array(wav.prefix(44))),
            ("truncated", Array(wav.prefix(wav.count / 3))),
            // A WAV whose format chunk names no channels.
            ("corrupt format chunk", Array(wav.prefix(22)) + [0, 0] + Array(wav.dropFirst(24))),
        ]
        for (name, bytes) in cases {
            do {
                let result = try await transcriber.transcribe(bytes)
                Issue.record("\(name) was transcribed: \"\(result.transcript.text)\"")
            } catch let error as AudioDecodingError {
                switch error {
                case .unreadable: break
                case .notAudio, .tooLong: Issue.record("\(name): \(error)")
                }
            }
        }
    }

    @Test func audioOverTheLimitIsRefusedBeforeDecoding() async throws {
        let transcriber = try Self.transcriber(.init(threads: 2, maxSeconds: 2))
        let folder = try SpeechFixtures.folder()
        let file = try await SpeechFixtures.speak(SpeechFixtures.sentences[1], into: folder)
        let error = await #expect(throws: AudioDecodingError.self) { _ = try await transcriber.transcribe(Array(try Data(contentsOf: file))) }
        guard case .tooLong(let seconds, let limit) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(seconds > 3 && limit == 2)
    }

    @Test func aFullQueueTurnsCallersAwayAndCancellingAbortsTheDecode() async throws {
        let transcriber = try Self.transcriber(.init(concurrency: 1, queueLimit: 0, threads: 1))
        let folder = try SpeechFixtures.folder()
        var parts: [SpeechFixtures.Part] = []
        for (index, sentence) in (SpeechFixtures.sentences + SpeechFixtures.sentences).enumerated() {
            parts += [.file(try await SpeechFixtures.speak(sentence, into: folder, name: "s\(index).wav")), .pause(2)]
        }
        let long = Array(try Data(contentsOf: try await SpeechFixtures.concatenate(parts, into: folder, name: "long.wav")))
        let short = Array(try Data(contentsOf: try await SpeechFixtures.speak("Hello there.", into: folder, name: "short.wav")))

        let running = Task { try await transcriber.transcribe(long) }
        while transcriber.queueDepth == 0 { try await Task.sleep(for: .milliseconds(20)) }
        await #expect(throws: TranscriberBusy.self) { _ = try await transcriber.transcribe(short) }

        running.cancel()
        await #expect(throws: CancellationError.self) { _ = try await running.value }
        #expect(transcriber.queueDepth == 0)
        // The slot is free again: the next caller is served, not turned away.
        let text = try await transcriber.transcribe(short).transcript.text
        #expect(WordErrorRate.of(text, reference: "Hello there.") <= 0.5, "\(text)")
    }
}
