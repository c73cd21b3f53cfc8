import AsyncHTTPClient
import Foundation
import IngestionService
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

/// Ingestion against the shared PostgreSQL; job tests each use a private Redis so that
/// their workers only see their own streams.
@Suite struct IngestionTests {
    static let json = [("Content-Type", "application/json")]

    /// Runs a job worker on ingestion's index stream until `body` returns.
    static func withWorker<Value: Sendable>(
        redisURL: String,
        stream: String = IngestionService.ragIndexStream,
        maxAttempts: Int = 5,
        visibilityTimeout: Duration = .seconds(60),
        handler: @escaping JobWorker.Handler,
        _ body: @Sendable () async throws -> Value
    ) async throws -> Value {
        let redis = RedisClient(url: try RedisURL(parsing: redisURL), logger: Logger(label: "worker"))
        let configuration = JobWorker.Configuration(
            stream: stream,
            group: "test-workers",
            concurrency: 2,
            maxAttempts: maxAttempts,
            visibilityTimeout: visibilityTimeout,
            retryBackoff: Backoff(base: .milliseconds(50), cap: .milliseconds(200))
        )
        let worker = JobWorker(configuration: configuration, redis: redis, logger: Logger(label: "worker"), handler: handler)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                try await worker.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    @Test func migrationsRunOnceEvenWhenTwoInstancesStartTogether() async throws {
        try await TestDatabase.with { client in
            let schema = "mtest_" + String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! })
            let migrations = [
                Migration(version: 1, name: "a", statements: ["CREATE TABLE \(schema).a (id int)"]),
                Migration(version: 2, name: "b", statements: ["CREATE TABLE \(schema).b (id int)", "INSERT INTO \(schema).b VALUES (1)"]),
            ]
            let migrator = Migrator(schema: schema, migrations: migrations)
            let logger = Logger(label: "migrations")
            async let first = migrator.run(on: client, logger: logger)
            async let second = migrator.run(on: client, logger: logger)
            let applied = try await [first, second]
            #expect(applied.flatMap { $0 }.sorted() == [1, 2])
            #expect(applied.contains([]))
            #expect(try await migrator.run(on: client, logger: logger) == [])
            #expect(try await TestDatabase.scalar(client, PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(schema).schema_migrations")) == 2)
            #expect(try await TestDatabase.scalar(client, PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(schema).b")) == 1)

            // A failing migration leaves nothing behind and is not recorded.
            let broken = Migrator(
                schema: schema,
                migrations: migrations + [
                    Migration(version: 3, name: "broken", statements: ["CREATE TABLE \(schema).c (id int)", "SELECT no_such_function()"])
                ]
            )
            await #expect(throws: (any Error).self) { try await broken.run(on: client, logger: logger) }
            #expect(try await TestDatabase.scalar(client, PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(schema).schema_migrations")) == 2)
            #expect(
                try await TestDatabase.scalar(
                    client,
                    "SELECT count(*)::int FROM information_schema.tables WHERE table_schema = \(schema) AND table_name = 'c'"
                ) == 0
            )
        }
    }

    @Test func eachSupportedDocumentTypeIsStoredAsSent() async throws {
        try await RunningService.with(IngestionService.definition, waitForReady: true) { service in
            let json = try await service.send(
                .POST,
                "/v1/documents",
                headers: Self.json,
                body: #"{"title":"Notes","text":"Hello *world*","collection":"kb","metadata":{"lang":"en"}}"#
            )
            #expect(json.status == 202, "\(json.body)")
            let accepted = try json.json
            #expect(accepted["status"] as? String == "queued")
            let itemID = try #require(accepted["item_id"] as? String)
            let item = try await service.send(.GET, "/v1/items/\(itemID)").json
            #expect(item["title"] as? String == "Notes")
            #expect(item["collection"] as? String == "kb")
            #expect((item["metadata"] as? [String: Any])?["lang"] as? String == "en")
            #expect(try await service.send(.GET, "/v1/items/\(itemID)/content").body == "Hello *world*")

            let files: [(String, [UInt8])] = [
                ("text/plain; charset=utf-8", Array("plain text ✓".utf8)), ("text/markdown", Array("# Title\n\nbody".utf8)),
                ("text/html", Array("<html><body><p>hi</p></body></html>".utf8)), ("application/pdf", Uploads.pdf),
            ]
            for (type, bytes) in files {
                let form = Uploads.multipart([("file", "doc", type, bytes), ("title", nil, nil, Array("From a file".utf8))])
                let response = try await service.post("/v1/documents", contentType: form.contentType, body: form.body)
                #expect(response.status == 202, "\(type): \(response.body)")
                let id = try #require(try response.json["item_id"] as? String)
                let content = try await service.send(.GET, "/v1/items/\(id)/content")
                #expect(Array(content.body.utf8) == bytes)
                #expect(content.header("Content-Type") == type.split(separator: ";").first.map(String.init))
                // Uploaded HTML served back must not run as a page of this origin.
                #expect(content.header("Content-Disposition") == "attachment", "\(type)")
                #expect(content.header("Content-Security-Policy") == "default-src 'none'; sandbox", "\(type)")
            }

            let wav = Uploads.wav()
            let audio = try await service.post("/v1/audio", contentType: "audio/wav", body: wav)
            #expect(audio.status == 202, "\(audio.body)")
            let audioItem = try await service.send(.GET, "/v1/items/\(try #require(try audio.json["item_id"] as? String))").json
            #expect(audioItem["kind"] as? String == "audio")
            #expect((audioItem["metadata"] as? [String: Any])?["sample_rate"] as? Int == 16_000)
            let form = Uploads.multipart([("file", "clip.wav", "audio/wav", wav)])
            #expect(try await service.post("/v1/audio", contentType: form.contentType, body: form.body).status == 202)
        }
    }

    @Test func badUploadsAreRefusedAndStoreNothing() async throws {
        // A database of its own, so "nothing stored" can be counted exactly.
        let database = try await TestDatabase.fresh()
        try await RunningService.with(
            IngestionService.definition,
            settings: ["MAX_AUDIO_BYTES": "20000", "DATABASE_URL": database],
            waitForReady: true
        ) { service in
            let png = Uploads.multipart([("file", "x.png", "image/png", [0x89, 0x50, 0x4E, 0x47])])
            #expect(try await service.post("/v1/documents", contentType: png.contentType, body: png.body).status == 415)
            let fakePDF = Uploads.multipart([("file", "x.pdf", "application/pdf", Array("not a pdf".utf8))])
            let mismatch = try await service.post("/v1/documents", contentType: fakePDF.contentType, body: fakePDF.body)
            #expect(mismatch.status == 415)
            #expect(mismatch.header("Content-Type") == "application/problem+json")
            let binaryText = Uploads.multipart([("file", "x.txt", "text/plain", [0xFF, 0xFE, 0x00, 0x41])])
            #expect(try await service.post("/v1/documents", contentType: binaryText.contentType, body: binaryText.body).status == 415)
            #expect(try await service.post("/v1/documents", contentType: "text/csv", body: Array("a,b".utf8)).status == 415)
            let missingText = try await service.send(.POST, "/v1/documents", headers: Self.json, body: #"{"title":"t"}"#)
            #expect(missingText.status == 422)

            #expect(try await service.post("/v1/audio", contentType: "audio/wav", body: Array("RIFX not a wave file at all".utf8)).status == 415)
            let compressed = try await service.post("/v1/audio", contentType: "audio/wav", body: Uploads.wav(audioFormat: 85))
            #expect(compressed.status == 422)
            #expect(try compressed.json["detail"] as? String != nil)
            #expect(try await service.post("/v1/audio", contentType: "audio/mpeg", body: Uploads.wav()).status == 415)
            #expect(try await service.post("/v1/audio", contentType: "audio/wav", body: Uploads.wav(seconds: 2)).status == 413)

            let badEvent = try await service.send(
                .POST,
                "/v1/events",
                headers: Self.json,
                body: #"{"type":"call.ended","source":"pbx","occurred_at":"yesterday","payload":[1]}"#
            )
            #expect(badEvent.status == 422)
            let fields = try #require(try badEvent.json["errors"] as? [[String: Any]]).compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["occurred_at", "payload"])
            #expect(try await service.send(.POST, "/v1/events", headers: Self.json, body: #"{"type":"x"}"#).status == 422)

            let stored = try await TestDatabase.with(url: database) { client in
                try await TestDatabase.scalar(
                    client,
                    "SELECT ((SELECT count(*) FROM ingestion.items) + (SELECT count(*) FROM ingestion.events) + (SELECT count(*) FROM ingestion.jobs))::int"
                )
            }
            #expect(stored == 0)
        }
    }

    @Test func eventsAreStoredAndPaged() async throws {
        try await RunningService.with(IngestionService.definition, waitForReady: true) { service in
            let type = "test.\(UUID().uuidString.prefix(8))"
            for minute in 0..<5 {
                let response = try await service.send(
                    .POST,
                    "/v1/events",
                    headers: Self.json,
                    body: #"{"type":"\#(type)","source":"tests","occurred_at":"2026-03-01T10:0\#(minute):00Z","payload":{"n":\#(minute)}}"#
                )
                #expect(response.status == 202)
                #expect(try response.json["event_id"] as? String != nil)
            }
            let first = try await service.send(.GET, "/v1/events?type=\(type)&limit=2").json
            let firstEvents = try #require(first["events"] as? [[String: Any]])
            #expect(firstEvents.compactMap { ($0["payload"] as? [String: Any])?["n"] as? Int } == [0, 1])
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await service.send(
                .GET,
                "/v1/events?type=\(type)&limit=2&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            ).json
            #expect((second["events"] as? [[String: Any]])?.compactMap { ($0["payload"] as? [String: Any])?["n"] as? Int } == [2, 3])
            let since = try await service.send(.GET, "/v1/events?type=\(type)&since=2026-03-01T10:03:00Z").json
            #expect((since["events"] as? [[String: Any]])?.count == 2)
            #expect(try await service.send(.GET, "/v1/events?limit=0").status == 422)
            #expect(try await service.send(.GET, "/v1/events?since=soon").status == 422)
        }
    }

    @Test func aWorkerTakesAJobFromQueuedToDoneVisibleByGetAndSSE() async throws {
        let redis = try RedisServerProcess()
        let database = try await TestDatabase.fresh()
        try await redis.start()
        try await RunningService.with(IngestionService.definition, settings: ["REDIS_URL": redis.url, "DATABASE_URL": database], waitForReady: true) {
            service in
            let accepted = try await service.send(.POST, "/v1/documents", headers: Self.json, body: #"{"title":"t","text":"to index"}"#).json
            let jobID = try #require(accepted["job_id"] as? String)
            let queued = try await service.send(.GET, "/v1/jobs/\(jobID)").json
            #expect(queued["status"] as? String == "queued")
            #expect(queued["item_id"] as? String == accepted["item_id"] as? String)

            try await Self.withWorker(
                redisURL: redis.url,
                handler: { job in
                    try await Task.sleep(for: .milliseconds(300))
                    return #"{"chunks":3,"job":"\#(job.id)"}"#
                }
            ) {
                let done = try await service.waitForJob(jobID, status: "done")
                #expect(done["attempts"] as? Int == 1)
                #expect((done["result"] as? [String: Any])?["chunks"] as? Int == 3)
            }
            let stream = try await TestHTTPResponse.send(.GET, service.baseURL + "/v1/jobs/\(jobID)/events", timeout: .seconds(10))
            #expect(stream.header("Content-Type") == "text/event-stream")
            let events = SSEParser.events(stream.body)
            #expect(events.map(\.status) == ["queued", "processing", "done"])
            // Resuming after the first event replays only what followed.
            let resumed = try await TestHTTPResponse.send(
                .GET,
                service.baseURL + "/v1/jobs/\(jobID)/events",
                headers: [("Last-Event-ID", events[0].id)],
                timeout: .seconds(10)
            )
            #expect(SSEParser.events(resumed.body).map(\.status) == ["processing", "done"])
            #expect(try await service.send(.GET, "/v1/jobs/\(UUID())/events").status == 404)
        }
        await redis.kill()
    }

    @Test func aQuietEventStreamSendsHeartbeats() async throws {
        let redis = try RedisServerProcess()
        let database = try await TestDatabase.fresh()
        try await redis.start()
        try await RunningService.with(
            IngestionService.definition,
            settings: ["REDIS_URL": redis.url, "DATABASE_URL": database, "SSE_HEARTBEAT_SECONDS": "0.3"],
            waitForReady: true
        ) { service in
            // No worker runs, so after `queued` the stream has nothing to say but heartbeats.
            let jobID = try #require(
                try await service.send(.POST, "/v1/documents", headers: Self.json, body: #"{"title":"t","text":"x"}"#).json["job_id"] as? String
            )
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: service.baseURL + "/v1/jobs/\(jobID)/events"),
                timeout: .seconds(10)
            )
            #expect(response.status == .ok)
            var received = ""
            let started = ContinuousClock.now
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if received.components(separatedBy: ": heartbeat\n\n").count > 3 { break }
            }
            let elapsed = ContinuousClock.now - started
            #expect(SSEParser.events(received).map(\.status) == ["queued"])
            #expect(received.components(separatedBy: ": heartbeat\n\n").count > 3, "\(received)")
            #expect(elapsed >= .milliseconds(600), "three heartbeats 0.3 s apart came after \(elapsed)")
        }
        await redis.kill()
    }

    @Test func aJobAbandonedByAKilledWorkerIsReclaimedAndFinishedOnce() async throws {
        let redis = try RedisServerProcess()
        let database = try await TestDatabase.fresh()
        try await redis.start()
        try await RunningService.with(IngestionService.definition, settings: ["REDIS_URL": redis.url, "DATABASE_URL": database], waitForReady: true) {
            service in
            let fixture = try ServiceProcess(
                "servicekit-fixture",
                environment: ["REDIS_URL": redis.url, "FIXTURE_JOB_STREAM": IngestionService.ragIndexStream, "FIXTURE_JOB_GROUP": "test-workers"]
            )
            defer { Task { await fixture.child.stop() } }
            try await fixture.waitUntilListening()
            let jobID = try #require(
                try await service.send(.POST, "/v1/documents", headers: Self.json, body: #"{"title":"t","text":"x"}"#).json["job_id"] as? String
            )
            _ = try await service.waitForJob(jobID, status: "processing")
            fixture.child.signal(SIGKILL)
            _ = await fixture.child.waitForExit(timeout: .seconds(5))

            let runs = NIOLockedValueBox(0)
            try await Self.withWorker(
                redisURL: redis.url,
                visibilityTimeout: .seconds(1),
                handler: { _ in
                    runs.withLockedValue { $0 += 1 }
                    return nil
                }
            ) {
                let done = try await service.waitForJob(jobID, status: "done")
                #expect(done["attempts"] as? Int == 2)
                try await Task.sleep(for: .seconds(2))
            }
            #expect(runs.withLockedValue { $0 } == 1)
        }
        await redis.kill()
    }

    @Test func aJobThatAlwaysFailsEndsDeadWithItsError() async throws {
        let redis = try RedisServerProcess()
        let database = try await TestDatabase.fresh()
        try await redis.start()
        let settings = ["REDIS_URL": redis.url, "DATABASE_URL": database, "METRICS_SAMPLE_INTERVAL_SECONDS": "0.1"]
        try await RunningService.with(IngestionService.definition, settings: settings, waitForReady: true) { service in
            let jobID = try #require(
                try await service.send(.POST, "/v1/documents", headers: Self.json, body: #"{"title":"t","text":"x"}"#).json["job_id"] as? String
            )
            try await service.waitForMetric(#"ingestion_jobs{stream="jobs:rag.index",status="queued"}"#, toBe: 1)
            let attempts = NIOLockedValueBox(0)
            struct ExtractionFailed: Error, CustomStringConvertible { var description: String { "extractor crashed on page 3" } }
            try await Self.withWorker(
                redisURL: redis.url,
                maxAttempts: 3,
                handler: { _ in
                    attempts.withLockedValue { $0 += 1 }
                    throw ExtractionFailed()
                }
            ) {
                let dead = try await service.waitForJob(jobID, status: "dead")
                #expect(dead["attempts"] as? Int == 3)
                #expect(dead["error"] as? String == "extractor crashed on page 3")
            }
            #expect(attempts.withLockedValue { $0 } == 3)
            let deadLetters = try await redis.cli(["XLEN", IngestionService.ragIndexStream + ":dead"])
            #expect(deadLetters.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
            try await service.waitForMetric(#"ingestion_jobs{stream="jobs:rag.index",status="dead"}"#, toBe: 1)
            let samples = try await service.metricSamples()
            #expect(samples[#"ingestion_jobs{stream="jobs:rag.index",status="queued"}"#] == 0)
            #expect(samples[#"ingestion_jobs{stream="jobs:asr",status="dead"}"#] == 0)
        }
        await redis.kill()
    }

    @Test func jobsStoredWhileRedisIsDownSurviveARestart() async throws {
        let redis = try RedisServerProcess()
        let database = try await TestDatabase.fresh()
        let ids = try await RunningService.with(IngestionService.definition, settings: ["REDIS_URL": redis.url, "DATABASE_URL": database]) {
            service in
            // Not ready (Redis is down), but the schema is in place once reads answer.
            while try await service.send(.GET, "/v1/events").status != 200 { try await Task.sleep(for: .milliseconds(100)) }
            var ids: [String] = []
            for index in 0..<3 {
                let response = try await service.send(.POST, "/v1/documents", headers: Self.json, body: #"{"title":"t\#(index)","text":"kept"}"#)
                #expect(response.status == 202)
                ids.append(try #require(try response.json["job_id"] as? String))
            }
            return ids
        }
        try await redis.start()
        let done = NIOLockedValueBox(Set<String>())
        try await RunningService.with(IngestionService.definition, settings: ["REDIS_URL": redis.url, "DATABASE_URL": database], waitForReady: true) {
            service in
            try await Self.withWorker(
                redisURL: redis.url,
                handler: { job in
                    done.withLockedValue { _ = $0.insert(job.id) }
                    return nil
                }
            ) {
                for id in ids { _ = try await service.waitForJob(id, status: "done") }
            }
        }
        #expect(done.withLockedValue { $0 }.isSuperset(of: ids))
        await redis.kill()
    }

    @Test func twoIngestionInstancesAndTwoWorkersFinishEveryJobExactlyOnce() async throws {
        let redis = try RedisServerProcess()
        let database = try await TestDatabase.fresh()
        try await redis.start()
        let runs = NIOLockedValueBox([String: Int]())
        let handler: JobWorker.Handler = { job in
            runs.withLockedValue { $0[job.id, default: 0] += 1 }
            try await Task.sleep(for: .milliseconds(20))
            return nil
        }
        try await RunningService.with(IngestionService.definition, settings: ["REDIS_URL": redis.url, "DATABASE_URL": database], waitForReady: true) {
            first in
            try await RunningService.with(
                IngestionService.definition,
                settings: ["REDIS_URL": redis.url, "DATABASE_URL": database],
                waitForReady: true
            ) { second in
                try await Self.withWorker(redisURL: redis.url, handler: handler) {
                    try await Self.withWorker(redisURL: redis.url, handler: handler) {
                        let ids = try await withThrowingTaskGroup(of: String.self) { group in
                            for index in 0..<20 {
                                let service = index.isMultiple(of: 2) ? first : second
                                group.addTask {
                                    try #require(
                                        try await service.send(
                                            .POST,
                                            "/v1/documents",
                                            headers: Self.json,
                                            body: #"{"title":"n\#(index)","text":"x"}"#
                                        ).json["job_id"] as? String
                                    )
                                }
                            }
                            return try await group.reduce(into: [String]()) { $0.append($1) }
                        }
                        for id in ids { _ = try await first.waitForJob(id, status: "done") }
                        try await Task.sleep(for: .milliseconds(500))
                        let counts = runs.withLockedValue { $0 }
                        #expect(Set(counts.keys) == Set(ids))
                        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
                    }
                }
            }
        }
        await redis.kill()
    }
}

/// Reads `text/event-stream` bodies.
enum SSEParser {
    struct Event {
        let id: String
        let status: String
    }

    static func events(_ body: String) -> [Event] {
        body.components(separatedBy: "\n\n").compactMap { block in
            var id: String?
            var data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            guard let id, let data, let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any],
                let status = object["status"] as? String
            else { return nil }
            return Event(id: id, status: status)
        }
    }
}
