import Foundation
import NLUService
import ServiceKit
import TestSupport
import Testing

/// nlu over HTTP with a real PostgreSQL and Redis. The sentence embedder is the hashing test
/// embedder, so these tests check validation, training, storage, reloads, entities and
/// sentiment, not intent quality (DefaultModelTests checks that over the real model).
@Suite struct NLUTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let definition = NLUService.definition(embedder: { _ in HashingTestEmbedder() })

    static func settings(database: String, extra: [String: String] = [:]) -> [String: String] {
        ["DATABASE_URL": database, "MODELS_DIR": repository.appendingPathComponent(".run/models").path].merging(extra) { $1 }
    }

    /// Two intents a bag of words separates, with a lookup table and a pattern.
    static let demoModel = """
        {"intents": {
            "page_oncall": ["page the on-call engineer", "page whoever is on call", "page the oncall now", "page someone on call for the api", "please page the on-call"],
            "create_ticket": ["create a ticket for this", "open a ticket about the bug", "file a ticket please", "make a ticket for the crash", "log a ticket for it"]
         },
         "entities": {"lookups": {"team": ["platform", "payments"]}, "regexes": {"ticket_id": "[A-Z]+-[0-9]+"}}}
        """

    func problemFields(_ response: TestHTTPResponse) throws -> [String] {
        let errors = try #require(try response.json["errors"] as? [[String: Any]], "no errors in \(response.body)")
        return errors.compactMap { $0["field"] as? String }
    }

    @Test func parseRejectsBadInputNamingTheField() async throws {
        let database = try await TestDatabase.fresh()
        try await RunningService.with(
            Self.definition,
            settings: Self.settings(database: database, extra: ["NLU_MAX_CHARS": "20"]),
            waitForReady: true
        ) { (service: RunningService) async throws in
            let cases: [(String, String)] = [
                (#"{"text": ""}"#, "text"), (#"{"text": "  \n "}"#, "text"), (#"{"text": "this text is longer than twenty"}"#, "text"),
                (#"{"text": "hi", "timezone": "Mars/Olympus"}"#, "timezone"), (#"{"text": "hi", "timezone": "EST"}"#, "timezone"),
                (#"{"text": "hi", "reference_time": "yesterday"}"#, "reference_time"), (#"{}"#, "text"), (#"{"text": 3}"#, "text"),
                (#"{"text": "hi", "model": "no such/model"}"#, "model"),
            ]
            for (body, field) in cases {
                let response = try await service.send(.POST, "/v1/parse", headers: [("Content-Type", "application/json")], body: body)
                #expect(response.status == 422, "\(body): \(response.body)")
                #expect(response.header("Content-Type")?.hasPrefix("application/problem+json") == true)
                #expect(try problemFields(response) == [field], "\(body)")
            }
            let tooMany = "{\"texts\": [" + Array(repeating: "\"hi\"", count: 101).joined(separator: ",") + "]}"
            #expect(try problemFields(try await service.send(.POST, "/v1/parse/batch", body: tooMany)) == ["texts"])
            #expect(try problemFields(try await service.send(.POST, "/v1/parse/batch", body: #"{"texts": []}"#)) == ["texts"])
            #expect(
                try problemFields(try await service.send(.POST, "/v1/parse/batch", body: #"{"texts": ["fine", " ", "also fine", ""]}"#)) == [
                    "texts[1]", "texts[3]",
                ]
            )
            let unknown = try await service.send(.POST, "/v1/parse", body: #"{"text": "hi", "model": "nonexistent"}"#)
            #expect(unknown.status == 422)
            #expect(try problemFields(unknown) == ["model"])
        }
    }

    @Test func trainingRejectsBadDataNamingEachProblem() async throws {
        let database = try await TestDatabase.fresh()
        try await RunningService.with(Self.definition, settings: Self.settings(database: database), waitForReady: true) {
            (service: RunningService) async throws in
            let body =
                #"{"intents": {"a": ["one", "two", "three", "four"], "b": ["five", "six", "seven", "eight", "ONE"]}, "entities": {"regexes": {"bad": "([a-"}}}"#
            let response = try await service.send(.PUT, "/v1/models/rejected", body: body)
            #expect(response.status == 422)
            #expect(Set(try problemFields(response)) == ["intents.a", "intents.b[4]", "entities.regexes.bad"])
            #expect(
                try problemFields(try await service.send(.PUT, "/v1/models/rejected", body: #"{"intents": {"a": ["1","2","3","4","5"]}}"#)) == [
                    "intents"
                ]
            )
            #expect(try problemFields(try await service.send(.PUT, "/v1/models/rejected", body: #"{"entities": {}}"#)) == ["intents"])
            #expect(try problemFields(try await service.send(.PUT, "/v1/models/bad%20name", body: Self.demoModel)) == ["name"])
            // Nothing half-written: the model does not exist.
            #expect(try await service.send(.GET, "/v1/models/rejected").status == 404)
        }
    }

    @Test func trainsStoresAndParsesWithEntitiesAndSentiment() async throws {
        let database = try await TestDatabase.fresh()
        try await RunningService.with(Self.definition, settings: Self.settings(database: database), waitForReady: true) {
            (service: RunningService) async throws in
            let trained = try await service.send(.PUT, "/v1/models/demo", body: Self.demoModel)
            #expect(trained.status == 201, "\(trained.body)")
            let summary = try trained.json
            #expect(summary["version"] as? Int == 1)
            #expect(summary["intents"] as? [String] == ["create_ticket", "page_oncall"])
            let scores = try #require(summary["cross_validation"] as? [String: Double])
            #expect(scores["accuracy"] != nil && scores["macro_f1"] != nil)
            #expect(try await service.send(.PUT, "/v1/models/demo", body: Self.demoModel).json["version"] as? Int == 2)

            let text = "🎉 Please page the platform team about OPS-42 tomorrow at 3pm, it's really great!"
            let body = try String(
                decoding: JSONSerialization.data(withJSONObject: [
                    "text": text, "model": "demo", "timezone": "Europe/Berlin", "reference_time": "2026-03-04T10:00:00+01:00",
                ]),
                as: UTF8.self
            )
            let parsed = try await service.send(.POST, "/v1/parse", body: body)
            #expect(parsed.status == 200, "\(parsed.body)")
            let json = try parsed.json
            #expect(json["model_version"] as? Int == 2)
            #expect((json["intent"] as? [String: Any])?["name"] as? String == "page_oncall")
            #expect((json["ranking"] as? [[String: Any]])?.count == 2)
            let sentiment = try #require(json["sentiment"] as? [String: Any])
            #expect(sentiment["label"] as? String == "positive")
            let entities = try #require(json["entities"] as? [[String: Any]])
            #expect(entities.compactMap { $0["entity"] as? String } == ["team", "ticket_id", "time"])
            let scalars = Array(text.unicodeScalars)
            for entity in entities {
                let (start, end) = (try #require(entity["start"] as? Int), try #require(entity["end"] as? Int))
                #expect(String(String.UnicodeScalarView(scalars[start..<end])) == entity["text"] as? String)
            }
            let time = try #require(entities.last?["value"] as? [String: Any])
            #expect(time["value"] as? String == "2026-03-05T15:00:00+01:00")

            let batch = try await service.send(.POST, "/v1/parse/batch", body: #"{"texts": ["file a ticket", "page on call"], "model": "demo"}"#)
            let results = try #require(try batch.json["results"] as? [[String: Any]])
            #expect(results.compactMap { ($0["intent"] as? [String: Any])?["name"] as? String } == ["create_ticket", "page_oncall"])

            let samples = try await service.metricSamples()
            #expect(samples[#"nlu_intent_total{model="demo",intent="page_oncall"}"#] == 2)
            #expect(samples["nlu_training_seconds_count"] ?? 0 >= 2)
            #expect(samples["nlu_parse_duration_seconds_count"] == 2)

            let listed = try #require(try await service.send(.GET, "/v1/models").json["models"] as? [[String: Any]])
            #expect(listed.contains { $0["name"] as? String == "demo" && $0["version"] as? Int == 2 })
            let read = try await service.send(.GET, "/v1/models/demo").json
            #expect(((read["training_data"] as? [String: Any])?["intents"] as? [String: Any])?.count == 2)
            #expect(try await service.send(.DELETE, "/v1/models/demo").status == 204)
            #expect(try await service.send(.GET, "/v1/models/demo").status == 404)
            #expect(try await service.send(.DELETE, "/v1/models/demo").status == 404)
            #expect(try await service.send(.POST, "/v1/parse", body: #"{"text": "page", "model": "demo"}"#).status == 422)
            // Parses that name no model would have none left to use.
            let keep = try await service.send(.DELETE, "/v1/models/assistant")
            #expect(keep.status == 409 && keep.body.contains("PUT /v1/models/assistant"), "\(keep.body)")
        }
    }

    @Test func aNewVersionReachesTheOtherReplicaWithinASecond() async throws {
        let database = try await TestDatabase.fresh()
        let settings = Self.settings(database: database)
        try await RunningService.with(Self.definition, settings: settings, waitForReady: true) { (first: RunningService) async throws in
            try await RunningService.with(Self.definition, settings: settings, waitForReady: true) { (second: RunningService) async throws in
                #expect(try await first.send(.PUT, "/v1/models/replicated", body: Self.demoModel).status == 201)
                let trainedAt = ContinuousClock.now
                var version: Int?
                while version != 1, ContinuousClock.now - trainedAt < .seconds(1) {
                    version =
                        try await second.send(.POST, "/v1/parse", body: #"{"text": "page", "model": "replicated"}"#).json["model_version"] as? Int
                    if version != 1 { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(version == 1, "the second replica did not serve the new version within a second")
                #expect(try await first.send(.DELETE, "/v1/models/replicated").status == 204)
                let deletedAt = ContinuousClock.now
                var status = 200
                while status == 200, ContinuousClock.now - deletedAt < .seconds(1) {
                    status = try await second.send(.POST, "/v1/parse", body: #"{"text": "page", "model": "replicated"}"#).status
                }
                #expect(status == 422)
            }
        }
    }

    @Test func theDefaultModelIsTrainedAtFirstStart() async throws {
        let database = try await TestDatabase.fresh()
        try await RunningService.with(Self.definition, settings: Self.settings(database: database), waitForReady: true) {
            (service: RunningService) async throws in
            let deadline = ContinuousClock.now + .seconds(60)
            var models: [[String: Any]] = []
            while !models.contains(where: { $0["name"] as? String == "assistant" }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                models = try #require(try await service.send(.GET, "/v1/models").json["models"] as? [[String: Any]])
            }
            let assistant = try #require(models.first { $0["name"] as? String == "assistant" })
            #expect((assistant["intents"] as? [String])?.count == 14)
            let parsed = try await service.send(.POST, "/v1/parse", body: #"{"text": "hello there"}"#)
            #expect(parsed.status == 200)
            #expect(try parsed.json["model"] as? String == "assistant")
        }
    }

    @Test func theDefaultModelIsTrainedAgainFromItsOwnExamplesWhenTheEmbedderChanges() async throws {
        let database = try await TestDatabase.fresh()
        let settings = Self.settings(database: database)
        try await RunningService.with(Self.definition, settings: settings, waitForReady: true) { (service: RunningService) async throws in
            try await AgentStack.waitForDefaultModel(service)
            let replaced = try await service.send(.PUT, "/v1/models/assistant", body: Self.demoModel)
            #expect(replaced.status == 201, "\(replaced.body)")
        }
        let upgraded = NLUService.definition(embedder: { _ in HashingTestEmbedder(modelName: "hashing-test-embedder-2") })
        try await RunningService.with(upgraded, settings: settings, waitForReady: true) { (service: RunningService) async throws in
            let deadline = ContinuousClock.now + .seconds(60)
            var assistant: [String: Any] = [:]
            while assistant["embedder"] as? String != "hashing-test-embedder-2", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                let models = try #require(try await service.send(.GET, "/v1/models").json["models"] as? [[String: Any]])
                assistant = models.first { $0["name"] as? String == "assistant" } ?? [:]
            }
            #expect(assistant["embedder"] as? String == "hashing-test-embedder-2", "\(assistant)")
            #expect(assistant["version"] as? Int == 3)
            #expect(assistant["intents"] as? [String] == ["create_ticket", "page_oncall"])
            let parsed = try await service.send(.POST, "/v1/parse", body: #"{"text": "page the on-call engineer"}"#)
            #expect(parsed.status == 200, "\(parsed.body)")
            #expect((try parsed.json["intent"] as? [String: Any])?["name"] as? String == "page_oncall")
        }
    }

    @Test func missingModelFilesStopStartUpNamingTheFileAndTheFix() async throws {
        let missing = "/nonexistent/models-\(UUID().uuidString)"
        await #expect {
            try await RunningService.with(NLUService.definition, settings: ["MODELS_DIR": missing]) { _ in }
        } throws: { error in
            "\(error)".contains("\(missing)/all-MiniLM-L6-v2 does not exist") && "\(error)".contains("ops/models")
        }
    }
}
