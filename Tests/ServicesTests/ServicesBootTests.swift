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

/// Each of the six executables boots against the real Postgres and Redis, reports healthy,
/// describes itself, and stops cleanly on SIGTERM.
@Suite struct ServicesBootTests {
    static let definitions = [
        IngestionService.definition, ASRService.definition, NLUService.definition,
        RAGService.definition, AgentService.definition, IntegrationsService.definition,
    ]

    @Test func namesAndDefaultPortsFollowTheServiceTable() {
        #expect(Self.definitions.map(\.name) == ["ingestion", "asr", "nlu", "rag", "agent", "integrations"])
        #expect(Self.definitions.map(\.defaultPort) == Array(8001...8006))
        #expect(Self.definitions.map(\.defaultRequestTimeoutSeconds) == [15, 120, 15, 20, 15, 15])
    }

    @Test(arguments: definitions.map(\.name))
    func bootsHealthyAndStopsOnSigterm(name: String) async throws {
        let service = try ServiceProcess(name)
        defer { Task { await service.child.stop() } }
        try await service.waitUntilListening()

        var health = try await service.send("/health")
        let deadline = ContinuousClock.now + .seconds(20)
        while try health.json["status"] as? String != "healthy", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            health = try await service.send("/health")
        }
        #expect(health.status == 200)
        #expect(try health.json["status"] as? String == "healthy", "\(health.body)")
        #expect(try health.json["service"] as? String == name)
        #expect(try await service.send("/ready").status == 200)

        let metrics = try await service.send("/metrics").body
        #expect(metrics.contains("\(name)_http_requests_total{method=\"GET\",path=\"/health\",status=\"200\"}"))
        #expect(metrics.contains("\(name)_dependency_up{component=\"postgres\"} 1.0"))

        let document = try await service.send("/openapi.json").json
        #expect((document["info"] as? [String: Any])?["title"] as? String == name)

        service.child.signal(SIGTERM)
        #expect(await service.child.waitForExit(timeout: .seconds(15)) == 0)
    }
}
