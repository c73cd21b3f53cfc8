import ASRService
import AsyncHTTPClient
import Foundation
import Hummingbird
import IngestionService
import NIOConcurrencyHelpers
import NIOCore
import ServiceKit
import TestSupport
import Testing

/// asr over HTTP with the real Whisper tiny.en model and PostgreSQL: its own routes, the
/// OpenAI-compatible route driven by OpenAI's Python SDK, the asr job behind ingestion, and
/// the decoder queue. The speech is flite's `slt` voice saying known sentences.
@Suite(.serialized) struct ASRTests {
    static func withASR(_ settings: [String: String] = [:], _ body: @Sendable (RunningService) async throws -> Void) async throws {
        let database = try await TestDatabase.fresh()
        try await RunningService.with(
            ASRService.definition,
            settings: ["DATABASE_URL": database, "ASR_THREADS": "2"].merging(settings) { $1 },
            waitForReady: true,
            body
        )
    }

    static func speech(
        _ sentence: String = SpeechFixtures.sentences[1],
        as variant: String = "pcm16-16k.wav"
    ) async throws -> (bytes: [UInt8], file: URL) {
        let folder = try SpeechFixtures.folder()
        let source = try await SpeechFixtures.speak(sentence, into: folder, name: "source.wav")
        let arguments = SpeechFixtures.variants.first { $0.name == variant }?.arguments ?? []
        let file = try await SpeechFixtures.convert(source, to: variant, arguments: arguments, in: folder)
        return (Array(try Data(contentsOf: file)), file)
    }

    @Test func aRawUploadIsTranscribedStoredAndListed() async throws {
        let (wav, _) = try await Self.speech()
        try await Self.withASR { asr in
            let response = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: wav)
            #expect(response.status == 201, "\(response.body)")
            let json = try response.json
            let id = try #require(json["id"] as? String)
            #expect(response.header("Location") == "/v1/transcripts/\(id)")
            let text = try #require(json["text"] as? String)
            #expect(WordErrorRate.of(text, reference: SpeechFixtures.sentences[1]) <= 0.15, "\(text)")
            #expect(json["language"] as? String == "en")
            #expect(json["engine"] as? String == "whisper.cpp")
            #expect(json["model"] as? String == "ggml-tiny.en")
            let duration = try #require(json["duration_seconds"] as? Double)
            #expect(duration > 2 && duration < 10)
            let segments = try #require(json["segments"] as? [[String: Any]])
            #expect(!segments.isEmpty)
            #expect(
                segments.allSatisfy {
                    ($0["start"] as? Double ?? -1) >= 0 && ($0["end"] as? Double ?? 0) <= duration + 0.1 && $0["no_speech_prob"] is Double
                }
            )
            #expect(json["words"] == nil)

            let stored = try await asr.send(.GET, "/v1/transcripts/\(id)")
            #expect(stored.status == 200)
            #expect(try stored.json["text"] as? String == text)
            #expect(try await asr.send(.GET, "/v1/transcripts/\(UUID())").status == 404)
            #expect(try await asr.send(.GET, "/v1/transcripts/not-a-uuid").status == 404)

            _ = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: wav)
            let first = try await asr.send(.GET, "/v1/transcripts?limit=1").json
            #expect((first["transcripts"] as? [[String: Any]])?.count == 1)
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await asr.send(.GET, "/v1/transcripts?limit=1&cursor=\(cursor)").json
            #expect((second["transcripts"] as? [[String: Any]])?.first?["id"] as? String == id)
            #expect(try await asr.send(.GET, "/v1/transcripts?limit=0&cursor=x").status == 422)

            let metrics = try await asr.metricSamples()
            #expect(metrics[#"asr_transcriptions_total{engine="whisper.cpp",outcome="ok"}"#] == 2)
            #expect((metrics["asr_audio_seconds_total"] ?? 0) > 4)
            #expect(metrics["asr_queue_depth"] == 0)
        }
    }

    @Test func aMultipartUploadWithOptionsGivesWordTimestamps() async throws {
        let (flac, _) = try await Self.speech(as: "speech.flac")
        try await Self.withASR { asr in
            let form = Uploads.multipart([
                (name: "file", filename: "speech.flac", contentType: "audio/flac", body: flac),
                (name: "language", filename: nil, contentType: nil, body: Array("en".utf8)),
                (name: "words", filename: nil, contentType: nil, body: Array("true".utf8)),
                (name: "prompt", filename: nil, contentType: nil, body: Array("Quarterly report, finance team.".utf8)),
            ])
            let response = try await asr.post("/v1/transcriptions", contentType: form.contentType, body: form.body)
            #expect(response.status == 201, "\(response.body)")
            let json = try response.json
            #expect(json["audio_format"] as? String == "FLAC (Free Lossless Audio Codec)")
            let words = try #require(json["words"] as? [[String: Any]])
            let quarterly = try #require(words.first { ($0["word"] as? String)?.lowercased().hasPrefix("quarterly") == true })
            #expect((quarterly["start"] as? Double ?? 0) < (quarterly["end"] as? Double ?? 0), "\(words) \(json["segments"] ?? "")")
            let starts = words.compactMap { $0["start"] as? Double }
            #expect(starts == starts.sorted())
            #expect(words.allSatisfy { ($0["start"] as? Double ?? 1) <= ($0["end"] as? Double ?? 0) && ($0["probability"] as? Double ?? -1) > 0 })
        }
    }

    @Test func badUploadsAreRefusedByKindAndNothingIsStored() async throws {
        let (wav, _) = try await Self.speech()
        try await Self.withASR(["ASR_MAX_SECONDS": "30", "MAX_AUDIO_BYTES": "2000000"]) { asr in
            let text = try await asr.post("/v1/transcriptions", contentType: "text/plain", body: Array("hello".utf8))
            #expect(text.status == 415, "\(text.body)")
            #expect(text.header("Content-Type") == "application/problem+json")
            let disguised = try await asr.post(
                "/v1/transcriptions",
                contentType: "audio/wav",
                body: Array("this is not a wav file at all, only text".utf8)
            )
            #expect(disguised.status == 415, "\(disguised.body)")
            let truncated = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: Array(wav.prefix(wav.count / 2)))
            #expect(truncated.status == 422, "\(truncated.body)")
            #expect(truncated.body.contains("truncated"))
            let options = try await asr.post("/v1/transcriptions?language=english!&temperature=5&words=maybe", contentType: "audio/wav", body: wav)
            #expect(options.status == 422)
            let fields = (try options.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(Set(fields) == ["language", "temperature", "words"])
            let german = try await asr.post("/v1/transcriptions?language=de", contentType: "audio/wav", body: wav)
            #expect(german.status == 422, "\(german.body)")
            #expect(german.body.contains("English only"))
            let noFile = Uploads.multipart([(name: "language", filename: nil, contentType: nil, body: Array("en".utf8))])
            let missing = try await asr.post("/v1/transcriptions", contentType: noFile.contentType, body: noFile.body)
            #expect(missing.status == 422)

            let long = try await SpeechFixtures.concatenate(
                [.file(try await Self.speech().file), .pause(30)],
                into: try SpeechFixtures.folder(),
                name: "long.wav"
            )
            let tooLong = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: Array(try Data(contentsOf: long)))
            #expect(tooLong.status == 413, "\(tooLong.body)")
            #expect(tooLong.body.contains("ASR_MAX_SECONDS"))
            let tooBig = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: wav + [UInt8](repeating: 0, count: 2_000_000))
            #expect(tooBig.status == 413)

            let listed = try await asr.send(.GET, "/v1/transcripts").json
            #expect((listed["transcripts"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test func openAIsPythonSDKGetsEveryResponseFormat() async throws {
        let python = try TestEnvironment.value("TEST_OPENAI_PYTHON")
        let (_, mp3) = try await Self.speech(as: "speech.mp3")
        try await Self.withASR(["SERVICE_API_KEY": "sdk-test-key", "AUTH_ENABLED": "1"]) { asr in
            let script = """
                import json, sys
                from openai import OpenAI
                client = OpenAI(base_url=sys.argv[1] + "/v1", api_key="sdk-test-key", max_retries=0)
                out = {}
                with open(sys.argv[2], "rb") as f:
                    out["json"] = client.audio.transcriptions.create(model="whisper-1", file=f).text
                for fmt in ("text", "srt", "vtt"):
                    with open(sys.argv[2], "rb") as f:
                        out[fmt] = client.audio.transcriptions.create(model="whisper-1", file=f, response_format=fmt)
                with open(sys.argv[2], "rb") as f:
                    verbose = client.audio.transcriptions.create(model="whisper-1", file=f, response_format="verbose_json", language="en", temperature=0, timestamp_granularities=["segment", "word"])
                out["verbose"] = {"text": verbose.text, "language": verbose.language, "duration": verbose.duration,
                                  "segments": [[s.start, s.end, s.text, s.no_speech_prob, s.avg_logprob] for s in verbose.segments],
                                  "words": [[w.word, w.start, w.end] for w in verbose.words]}
                try:
                    client.audio.transcriptions.create(model="whisper-1", file=("notes.txt", b"not audio", "text/plain"))
                except Exception as error:
                    out["error"] = getattr(error, "status_code", None)
                print(json.dumps(out))
                """
            let output = try await runCommand(python, ["-c", script, asr.baseURL, mp3.path])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
            let reference = SpeechFixtures.sentences[1]
            let plain = try #require(json["json"] as? String)
            #expect(WordErrorRate.of(plain, reference: reference) <= 0.15, "\(plain)")
            #expect((json["text"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) == plain)
            let srt = try #require(json["srt"] as? String)
            #expect(srt.hasPrefix("1\n00:00:"))
            #expect(srt.contains(" --> 00:00:"))
            let vtt = try #require(json["vtt"] as? String)
            #expect(vtt.hasPrefix("WEBVTT\n\n00:00:"))
            let verbose = try #require(json["verbose"] as? [String: Any])
            #expect(verbose["language"] as? String == "english")
            #expect(WordErrorRate.of(verbose["text"] as? String ?? "", reference: reference) <= 0.15)
            #expect((verbose["segments"] as? [[Any]])?.isEmpty == false)
            let words = try #require(verbose["words"] as? [[Any]])
            #expect(words.count >= 8)
            #expect(json["error"] as? Int == 415)
        }
    }

    @Test func theASRJobTranscribesAudioUploadedToIngestion() async throws {
        let (wav, _) = try await Self.speech(SpeechFixtures.sentences[3])
        let redis = try RedisServerProcess()
        try await redis.start()
        let database = try await TestDatabase.fresh()
        let shared = ["DATABASE_URL": database, "REDIS_URL": redis.url]
        do {
            try await RunningService.with(IngestionService.definition, settings: shared, waitForReady: true) { ingestion in
                let settings = shared.merging(["INGESTION_URL": ingestion.baseURL, "ASR_THREADS": "2", "JOB_MAX_ATTEMPTS": "2"]) { $1 }
                try await RunningService.with(ASRService.definition, settings: settings, waitForReady: true) { asr in
                    let upload = try await ingestion.post("/v1/audio", contentType: "audio/wav", body: wav)
                    #expect(upload.status == 202, "\(upload.body)")
                    let job = try #require(try upload.json["job_id"] as? String)
                    let done = try await ingestion.waitForJob(job, status: "done", timeout: .seconds(60))
                    let result = try #require(done["result"] as? [String: Any], "\(done)")
                    let text = try #require(result["text"] as? String)
                    #expect(WordErrorRate.of(text, reference: SpeechFixtures.sentences[3]) <= 0.15, "\(text)")
                    let transcriptID = try #require(result["transcript_id"] as? String)
                    let stored = try await asr.send(.GET, "/v1/transcripts/\(transcriptID)").json
                    #expect(stored["item_id"] as? String == (try upload.json["item_id"] as? String))

                    // The job's event stream ends with the transcript.
                    let stream = try await TestHTTPResponse.send(.GET, ingestion.baseURL + "/v1/jobs/\(job)/events", timeout: .seconds(10))
                    #expect(stream.body.contains(#""status":"done""#))
                    #expect(stream.body.contains(transcriptID))

                    // A WAV whose samples were cut off passes ingestion's header check but not asr.
                    let truncated = try await ingestion.post("/v1/audio", contentType: "audio/wav", body: Array(wav.prefix(wav.count / 2)))
                    let deadJob = try #require(try truncated.json["job_id"] as? String)
                    let dead = try await ingestion.waitForJob(deadJob, status: "dead", timeout: .seconds(60))
                    #expect(dead["attempts"] as? Int == 1)
                    #expect((dead["error"] as? String)?.contains("truncated") == true, "\(dead)")
                }
            }
        } catch {
            await redis.kill()
            throw error
        }
        await redis.kill()
    }

    @Test func aFullQueueAnswers503AndATimedOutDecodeFreesItsSlot() async throws {
        let folder = try SpeechFixtures.folder()
        var parts: [SpeechFixtures.Part] = []
        for (index, sentence) in Array(repeating: SpeechFixtures.sentences, count: 6).joined().enumerated() {
            parts += [.file(try await SpeechFixtures.speak(sentence, into: folder, name: "s\(index).wav")), .pause(2)]
        }
        let long = Array(try Data(contentsOf: try await SpeechFixtures.concatenate(parts, into: folder, name: "long.wav")))
        let (short, _) = try await Self.speech(SpeechFixtures.sentences[0])
        try await Self.withASR(["ASR_CONCURRENCY": "1", "ASR_QUEUE_LIMIT": "0", "ASR_THREADS": "1", "REQUEST_TIMEOUT_SECONDS": "3"]) { asr in
            let running = Task { try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: long) }
            try await asr.waitForMetric("asr_queue_depth", toBe: 1)
            let busy = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: short)
            #expect(busy.status == 503, "\(busy.body)")
            #expect(Int(busy.header("Retry-After") ?? "") != nil)
            #expect(try await running.value.status == 504)
            // The timed-out decode (a minute of speech on one thread) was aborted, not left
            // running: the next upload gets the slot instead of a 503. (On a loaded machine
            // the short decode may itself run out of time, which is still not being turned away.)
            let next = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: short)
            #expect(next.status == 201 || next.status == 504, "\(next.body)")
            let metrics = try await asr.metricSamples()
            #expect(metrics[#"asr_transcriptions_total{engine="whisper.cpp",outcome="busy"}"#] == 1)
            #expect((metrics[#"asr_transcriptions_total{engine="whisper.cpp",outcome="cancelled"}"#] ?? 0) >= 1)
        }
    }
}

/// asr with an OpenAI-compatible transcription provider configured: a loopback server whose
/// `model` field picks its reply (`steady` answers a fixed text, `broken` answers 500).
@Suite(.serialized) struct ASRProviderTests {
    final class TranscriptionStandIn: Sendable {
        let forms = NIOLockedValueBox([MultipartForm]())
        static let text = "Text from the provider."

        var definition: ServiceDefinition {
            let forms = self.forms
            return ServiceDefinition(
                name: "transcription_standin",
                defaultPort: 0,
                requiredDependencies: [],
                addRoutes: { routes in
                    routes.post("/v1/audio/transcriptions", summary: "Transcriptions.", responses: [.ok: "A transcript."], bodyLimit: 1 << 24) {
                        request,
                        _ in
                        let body = Array(try await request.body.collect(upTo: 1 << 24).readableBytesView)
                        let boundary = try #require(request.headers[.contentType].flatMap(MultipartForm.boundary(ofContentType:)))
                        let form = try MultipartForm(parsing: body, boundary: boundary)
                        forms.withLockedValue { $0.append(form) }
                        guard form.part(named: "model")?.text == "steady" else { return Response(status: .internalServerError) }
                        return Response(
                            status: .ok,
                            headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"text": " \#(Self.text) "}"#))
                        )
                    }
                }
            )
        }
    }

    static func withProvider(
        model: String,
        provider: String = "auto",
        _ body: @Sendable (RunningService, TranscriptionStandIn) async throws -> Void
    ) async throws {
        let standIn = TranscriptionStandIn()
        try await RunningService.with(standIn.definition) { stand in
            let settings = [
                "OPENAI_BASE_URL": stand.baseURL + "/v1", "OPENAI_TRANSCRIBE_MODEL": model, "ASR_PROVIDER": provider,
                "TIMEOUT_OPENAI_SECONDS": "2", "PROVIDER_TOTAL_BUDGET_SECONDS": "3", "RETRY_MAX_ATTEMPTS": "2",
            ]
            try await ASRTests.withASR(settings) { asr in try await body(asr, standIn) }
        }
    }

    @Test func aConfiguredProviderTranscribesAndTheAudioIsStillCheckedHere() async throws {
        let (flac, _) = try await ASRTests.speech(as: "speech.flac")
        try await Self.withProvider(model: "steady") { asr, standIn in
            let response = try await asr.post("/v1/transcriptions?language=en", contentType: "audio/flac", body: flac)
            #expect(response.status == 201, "\(response.body)")
            let json = try response.json
            #expect(json["text"] as? String == TranscriptionStandIn.text)
            #expect(json["engine"] as? String == "openai")
            #expect(json["model"] as? String == "steady")
            #expect(json["degraded"] as? Bool == false)
            #expect((json["duration_seconds"] as? Double ?? 0) > 2)
            let form = try #require(standIn.forms.withLockedValue { $0.last })
            #expect(form.part(named: "file")?.body == flac)
            #expect(form.part(named: "file")?.contentType == "audio/flac")
            #expect(form.part(named: "language")?.text == "en")
            // Not audio never reaches the provider.
            let notAudio = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: Array("plain text".utf8))
            #expect(notAudio.status == 415)
            #expect(standIn.forms.withLockedValue { $0.count } == 1)
        }
    }

    @Test func aFailingProviderGivesWayToTheLocalEngineUnlessItWasChosenOutright() async throws {
        let (wav, _) = try await ASRTests.speech()
        try await Self.withProvider(model: "broken") { asr, standIn in
            let response = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: wav)
            #expect(response.status == 201, "\(response.body)")
            let json = try response.json
            #expect(json["engine"] as? String == "whisper.cpp")
            #expect(json["degraded"] as? Bool == true)
            #expect(WordErrorRate.of(json["text"] as? String ?? "", reference: SpeechFixtures.sentences[1]) <= 0.15)
            #expect(standIn.forms.withLockedValue { $0.count } >= 1)
            let metrics = try await asr.metricSamples()
            #expect((metrics[#"asr_transcriptions_total{engine="openai",outcome="failed"}"#] ?? 0) >= 1)
        }
        try await Self.withProvider(model: "broken", provider: "openai") { asr, _ in
            let response = try await asr.post("/v1/transcriptions", contentType: "audio/wav", body: wav)
            #expect(response.status == 502, "\(response.body)")
            let listed = try await asr.send(.GET, "/v1/transcripts").json
            #expect((listed["transcripts"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func openAIAsTheProviderWithoutOneConfiguredStopsStartUp() async throws {
        await #expect(throws: ConfigError.self) {
            try await RunningService.with(ASRService.definition, settings: ["ASR_PROVIDER": "openai"]) { _ in }
        }
        await #expect(throws: ConfigError.self) {
            try await RunningService.with(ASRService.definition, settings: ["ASR_PROVIDER": "cloud"]) { _ in }
        }
    }
}
