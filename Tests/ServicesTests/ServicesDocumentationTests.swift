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

/// Keeps services.md and env.example true: every route a service serves is on the page (and
/// nothing else is), and every variable the code reads is listed in both.
@Suite struct ServicesDocumentationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ name: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(name), encoding: .utf8)
    }

    /// `METHOD /path` of each endpoint row, per `## <service>` section of services.md.
    static func documentedRoutes() throws -> [String: Set<String>] {
        var sections: [String: Set<String>] = [:]
        var current = ""
        for line in try read("services.md").split(separator: "\n") {
            if line.hasPrefix("## ") {
                current = String(line.dropFirst(3).split(separator: " ").first ?? "")
                sections[current] = sections[current] ?? []
            } else if line.hasPrefix("| "), let path = line.split(separator: "`").dropFirst().first {
                let method = line.dropFirst(2).split(separator: " ").first.map(String.init) ?? ""
                if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) { sections[current, default: []].insert("\(method) \(path)") }
            }
        }
        return sections
    }

    @Test(arguments: [
        IngestionService.definition, ASRService.definition, NLUService.definition,
        RAGService.definition, AgentService.definition, IntegrationsService.definition,
    ])
    func servicesMarkdownListsExactlyTheRoutesEachServiceServes(definition: ServiceDefinition) async throws {
        let documented = try Self.documentedRoutes()
        let common = try #require(documented["Every"])
        let own = try #require(documented[definition.name], "services.md has no section for \(definition.name)")
        let served = try await RunningService.with(definition) { service in
            let paths = try #require(try await service.send(.GET, "/openapi.json").json["paths"] as? [String: [String: Any]])
            return Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        }
        #expect(
            served == common.union(own),
            "served but not documented: \(served.subtracting(common.union(own)).sorted()); documented but not served: \(common.union(own).subtracting(served).sorted())"
        )
        #expect(try Self.read("services.md").contains("## \(definition.name) (\(definition.defaultPort))"))
    }

    @Test func everyVariableTheCodeReadsIsInEnvExampleAndServicesMarkdown() throws {
        let pattern = try NSRegularExpression(pattern: #"(?:string|int|seconds|bool|list|lookup)\("([A-Z][A-Z0-9_]+)""#)
        var variables = Set<String>()
        let sources = Self.repository.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                variables.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(variables.count > 30, "the scan found only \(variables.sorted())")
        let envExample = try Self.read("env.example")
        let servicesMarkdown = try Self.read("services.md")
        for variable in variables.sorted() {
            #expect(envExample.contains(variable), "env.example does not list \(variable)")
            #expect(servicesMarkdown.contains(variable), "services.md does not list \(variable)")
        }
    }
}
