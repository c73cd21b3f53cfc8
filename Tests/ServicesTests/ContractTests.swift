import ASRService
import AgentService
import Foundation
import IngestionService
import IntegrationsService
import NLUService
import RAGService
import ServiceKit
import TestSupport
import Testing

/// The API contract as its users meet it: schemathesis fuzzes every service against its own
/// OpenAPI document with every check it has (status codes, content types,
/// response schemas, schema-valid input accepted, invalid input rejected, auth, undeclared
/// methods), and a client generated from the documents by openapi-python-client does real
/// work through its typed models. Settings beside this file: Contract/.
@Suite(.serialized) struct ContractTests {
    static let key = "contract-test-key"
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Contract")

    static var settings: [String: String] {
        [
            "AUTH_ENABLED": "true", "SERVICE_API_KEY": key, "RATE_LIMIT_DEFAULT": "1000000/minute", "REQUEST_TIMEOUT_SECONDS": "5",
            "SSE_HEARTBEAT_SECONDS": "1",
        ]
    }

    /// A webhook provider that is configured and may reach loopback, where the test's target is.
    static let integrationsSettings = settings.merging(["WEBHOOK_SIGNING_SECRET": "contract-secret", "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"]) {
        _,
        new in new
    }

    /// The folder of the contract tools' venv (`TEST_CONTRACT_PYTHON`'s).
    static func tool(_ name: String) throws -> String {
        URL(fileURLWithPath: try TestEnvironment.value("TEST_CONTRACT_PYTHON")).deletingLastPathComponent().appendingPathComponent(name).path
    }

    static func toolEnvironment(home: String) -> [String: String] {
        [
            "PATH": "/usr/bin:/bin", "HOME": home, "HYPOTHESIS_STORAGE_DIRECTORY": "\(home)/.hypothesis", "PYTHONPATH": folder.path,
            "SCHEMATHESIS_HOOKS": "hooks", "NO_COLOR": "1",
        ]
    }

    /// What a client generator needs of every service: a schema for every answer with a body
    /// and for every body a route takes, and every reference defined.
    @Test(arguments: [
        IngestionService.definition, ASRService.definition, NLUService.definition,
        RAGService.definition, AgentService.definition, IntegrationsService.definition,
    ])
    func everyBodyOfEveryServiceHasASchema(definition: ServiceDefinition) async throws {
        let body = try await RunningService.with(definition) { service in try await service.send(.GET, "/openapi.json").body }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        var described = 0
        for (path, operations) in paths {
            for (method, operation) in operations {
                let responses = try #require(operation["responses"] as? [String: [String: Any]])
                for (status, response) in responses where status.hasPrefix("2") && status != "204" {
                    let content = response["content"] as? [String: [String: Any]]
                    #expect(
                        content?.isEmpty == false && content?.values.allSatisfy { $0["schema"] != nil } == true,
                        "\(method.uppercased()) \(path) \(status) has no response schema"
                    )
                    described += 1
                }
                if let body = operation["requestBody"] as? [String: Any] {
                    let content = try #require(body["content"] as? [String: [String: Any]])
                    #expect(!content.isEmpty && content.values.allSatisfy { $0["schema"] != nil }, "\(method.uppercased()) \(path) body")
                } else {
                    #expect(!["put", "patch"].contains(method), "\(method.uppercased()) \(path) takes no body")
                }
            }
        }
        #expect(described >= 3, "\(definition.name): only \(described) answers")
        let text = String(decoding: try JSONSerialization.data(withJSONObject: document, options: .withoutEscapingSlashes), as: UTF8.self)
        for match in text.matches(of: /"#\/components\/schemas\/([^"]+)"/) {
            #expect(schemas[String(match.1)] != nil, "\(definition.name) refers to \(match.1), which it does not define")
        }
    }

    /// Each service as schemathesis meets it. nlu classifies with the hashing embedder, as
    /// intent quality is not what this checks; agent's dependencies are closed ports, so its
    /// turns take their degraded paths.
    static func subject(_ name: String) -> (definition: ServiceDefinition, settings: [String: String]) {
        switch name {
        case "integrations": (IntegrationsService.definition, integrationsSettings)
        case "nlu": (NLUService.definition(embedder: { _ in HashingTestEmbedder() }), settings)
        case "rag": (RAGService.definition, settings)
        case "asr": (ASRService.definition, settings)
        case "agent":
            (
                AgentService.definition,
                settings.merging(
                    ["NLU_URL", "RAG_URL", "INTEGRATIONS_URL", "INGESTION_URL", "ASR_URL"].map { ($0, "http://127.0.0.1:9") }
                ) { $1 }
            )
        default: (IngestionService.definition, settings)
        }
    }

    @Test(arguments: ["ingestion", "integrations", "nlu", "rag", "asr", "agent"])
    func schemathesisFindsNoContractFailure(service name: String) async throws {
        let home = try TestEnvironment.makeScratchDirectory("schemathesis")
        let (definition, settings) = Self.subject(name)
        try await RunningService.with(definition, settings: settings, waitForReady: true) { service in
            // Parses are answered 503 until the default model is trained.
            if name == "nlu" { try await AgentStack.waitForDefaultModel(service, headers: [("X-API-Key", Self.key)]) }
            let output = try await runCommand(
                try Self.tool("schemathesis"),
                [
                    "--config-file", Self.folder.appendingPathComponent("schemathesis-\(definition.name).toml").path, "run",
                    "\(service.baseURL)/openapi.json",
                    // Both key headers: schemathesis would otherwise send a made-up bearer token beside the key, which is refused.
                    "--header", "X-API-Key: \(Self.key)", "--header", "Authorization: Bearer \(Self.key)", "--checks", "all", "--max-examples", "25",
                    // One worker: hypothesis describes its strategies with `ast`, which CPython 3.11 does not run safely on two threads at once.
                    "--seed", "20261202", "--workers", "1",
                ],
                environment: Self.toolEnvironment(home: home),
                timeout: .seconds(900)
            )
            // A run that tested nothing also exits 0: every operation it selected (all but the
            // document itself) was tested, and none failed.
            let selected = try #require(output.firstMatch(of: /Selected: (\d+)\/(\d+)/), "\(output.suffix(3000))")
            #expect(selected.1 == selected.2 && Int(selected.1) ?? 0 >= 8)
            #expect(output.contains("Tested: \(selected.1)"), "\(output.suffix(3000))")
            #expect(!output.contains("failure"), "\(output.suffix(3000))")
        }
    }

    @Test func aGeneratedClientUploadsReadsAndDeliversThroughTypedModels() async throws {
        let work = try TestEnvironment.makeScratchDirectory("client")
        try await RunningService.with(IngestionService.definition, settings: Self.settings, waitForReady: true) { ingestion in
            try await RunningService.with(IntegrationsService.definition, settings: Self.integrationsSettings, waitForReady: true) { integrations in
                for (name, service) in [("ingestion", ingestion), ("integrations", integrations)] {
                    let document = try await service.send(.GET, "/openapi.json", headers: [("X-API-Key", Self.key)])
                    #expect(document.status == 200)
                    let path = "\(work)/\(name).json"
                    try document.body.write(toFile: path, atomically: true, encoding: .utf8)
                    _ = try await runCommand(
                        try Self.tool("openapi-python-client"),
                        [
                            "generate", "--path", path, "--meta", "none", "--output-path", "\(work)/\(name)_client",
                            "--config", Self.folder.appendingPathComponent("client-config.yml").path, "--fail-on-warning",
                        ],
                        environment: Self.toolEnvironment(home: work),
                        timeout: .seconds(120)
                    )
                }
                let output = try await runCommand(
                    try TestEnvironment.value("TEST_CONTRACT_PYTHON"),
                    [
                        Self.folder.appendingPathComponent("client_check.py").path, work, ingestion.baseURL, integrations.baseURL, Self.key,
                        "http://127.0.0.1:9/hook",
                    ],
                    environment: Self.toolEnvironment(home: work),
                    timeout: .seconds(120)
                )
                let seen = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String], "\(output)")
                let item = try await ingestion.send(.GET, "/v1/items/\(seen["item_id"] ?? "")", headers: [("X-API-Key", Self.key)])
                #expect(item.status == 200, "the uploaded item is stored: \(item.body)")
                #expect(seen["job_item_id"] == seen["item_id"])
                #expect(["queued", "processing", "done", "failed", "dead"].contains(seen["job_status"] ?? ""))
                #expect(seen["delivery_id"] == seen["queued_id"])
                #expect(seen["delivery_provider"] == "webhook")
                #expect(seen["delivery_target"] == "http://127.0.0.1:9/hook")
            }
        }
    }
}
