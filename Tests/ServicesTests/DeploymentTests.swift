import Foundation
import ServiceKit
import TestSupport
import Testing

/// The deployment files agree with the code: the image installs what the package links and
/// builds every service, compose and Kubernetes run each service on its own port, and every
/// metric the dashboards and alert rules query is one that running services expose.
/// (The files' syntax is checked by ops/validate-deploy, which ops/test runs.)
@Suite struct DeploymentTests {
    static let repository = ServicesDocumentationTests.repository
    static let definitions = ServicesBootTests.definitions

    static func text(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theImageInstallsEverySystemLibraryThePackageLinksAndBuildsEveryService() throws {
        let manifest = try Self.text("Package.swift")
        let aptPackages = Self.matches(of: #"\.apt\(\[([^\]]*)\]\)"#, in: manifest).flatMap { list in
            Self.matches(of: #""([^"]+)""#, in: list)
        }
        #expect(aptPackages.contains("libhiredis-dev"))
        let dockerfile = try Self.text("ops/docker/Dockerfile")
        let buildStage = try #require(dockerfile.components(separatedBy: "\nFROM ").dropFirst().first { $0.contains(" AS build") })
        for package in aptPackages {
            #expect(buildStage.contains(" \(package)"), "the build stage does not install \(package)")
        }
        let services = try #require(Self.matches(of: #"ARG SERVICES="([^"]*)""#, in: dockerfile).first)
        #expect(services.split(separator: " ").map(String.init) == Self.definitions.map(\.name))
    }

    @Test func composeRunsEachServiceOnItsPortWithItsSecrets() throws {
        let compose = try Self.text("docker-compose.prod.yml")
        for definition in Self.definitions {
            let block = try #require(Self.serviceBlock(definition.name, in: compose), "compose has no service \(definition.name)")
            #expect(block.contains(#"command: ["\#(definition.name)"]"#))
            #expect(block.contains(#"ports: ["\#(definition.defaultPort):\#(definition.defaultPort)"]"#))
            #expect(block.contains("database_url") && block.contains("redis_url") && block.contains("service_api_key"))
        }
        let integrations = try #require(Self.serviceBlock("integrations", in: compose))
        for secret in ["slack_bot_token", "slack_webhook_url", "webhook_signing_secret", "pagerduty_routing_key"] {
            #expect(integrations.contains(secret), "integrations does not mount \(secret)")
        }
    }

    @Test func kubernetesRunsEachServiceOnItsPort() async throws {
        let rendered = try await runCommand(
            "/bin/bash",
            [Self.repository.appendingPathComponent("ops/k8s/render").path, "--image", "registry.example/suite@sha256:abc"]
        )
        let documents = rendered.components(separatedBy: "\n---")
        for definition in Self.definitions {
            let deployment = try #require(
                documents.first { $0.contains("kind: Deployment") && $0.contains("name: \(definition.name)\n") },
                "no Deployment \(definition.name)"
            )
            #expect(deployment.contains("containerPort: \(definition.defaultPort)"))
            #expect(deployment.contains(#"command: ["\#(definition.name)"]"#))
            #expect(deployment.contains("registry.example/suite@sha256:abc"))
            for kind in ["Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"] {
                #expect(
                    documents.contains { $0.contains("kind: \(kind)\n") && $0.contains("name: \(definition.name)\n") },
                    "no \(kind) \(definition.name)"
                )
            }
        }
        #expect(!rendered.contains("__"), "a placeholder was left in the rendered manifests")
    }

    @Test func kubernetesConfigCarriesEverySettingOfEnvExample() throws {
        let settings = try Self.text("env.example").split(separator: "\n").compactMap { line -> String? in
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { return nil }
            return String(line[..<equals])
        }
        #expect(settings.count > 20)
        let config = try Self.text("ops/k8s/config.yaml")
        for name in settings {
            #expect(config.contains("\n  \(name): "), "ops/k8s/config.yaml does not set \(name)")
        }
    }

    @Test func dashboardsAndAlertRulesQueryOnlyMetricsTheServicesExpose() async throws {
        let rules = try Self.text("ops/prometheus/rules.yml")
        let (ruleExpressions, recordedNames) = Self.ruleExpressions(in: rules)
        var expressions = ruleExpressions
        let dashboards = Self.repository.appendingPathComponent("ops/grafana/dashboards")
        let files = try FileManager.default.contentsOfDirectory(atPath: dashboards.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 2)
        for file in files {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dashboards.appendingPathComponent(file)))
            let found = Self.values(forKey: "expr", in: json)
            #expect(!found.isEmpty, "\(file) has no queries")
            expressions += found
        }
        #expect(
            recordedNames.count >= 3 && ruleExpressions.count >= 8,
            "the rules reader found too little: \(recordedNames), \(ruleExpressions.count) expressions"
        )

        let exposed = try await Self.exposedMetricNames()
        var referenced: Set<String> = []
        for expression in expressions {
            // Grafana puts the dashboard's `service` variable into the query text.
            for variant in Self.definitions.map({
                expression.replacingOccurrences(of: "${service}", with: $0.name).replacingOccurrences(of: "$service", with: $0.name)
            }) {
                let (names, nameMatchers) = try Self.metricReferences(in: variant)
                for pattern in nameMatchers {
                    let regex = try Regex("^(?:\(pattern))$")
                    #expect(
                        exposed.contains { $0.wholeMatch(of: regex) != nil },
                        "no exposed metric matches __name__=~\"\(pattern)\" in \(expression)"
                    )
                }
                for name in names {
                    if name.contains(":") {
                        #expect(recordedNames.contains(name), "\(name) is not a recording rule of rules.yml (in \(expression))")
                    } else {
                        #expect(name == "up" || exposed.contains(name), "\(name) is not exposed by any service (in \(expression))")
                    }
                    referenced.insert(name)
                }
            }
        }
        for name in ["integrations_provider_circuit_state", "ingestion_jobs", "integrations_deliveries", "up"] {
            #expect(referenced.contains(name), "no dashboard or rule queries \(name)")
        }
    }

    // MARK: - Reading the files

    static func matches(of pattern: String, in text: String) -> [String] {
        guard let regex = try? Regex(pattern) else { return [] }
        return text.matches(of: regex).compactMap { match in match.output.count > 1 ? match.output[1].substring.map(String.init) : nil }
    }

    /// A service's block in the compose file: its line and the more-indented lines after it.
    static func serviceBlock(_ name: String, in compose: String) -> String? {
        let lines = compose.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "  \(name):") else { return nil }
        let rest = lines[(start + 1)...].prefix { $0.isEmpty || $0.hasPrefix("    ") }
        return rest.joined(separator: "\n")
    }

    /// Every `expr` of a Prometheus rules file (one-line or `|` block) and every recorded name.
    static func ruleExpressions(in rules: String) -> (expressions: [String], recorded: Set<String>) {
        let lines = rules.components(separatedBy: "\n")
        var expressions: [String] = []
        var recorded: Set<String> = []
        var index = 0
        func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            index += 1
            if trimmed.hasPrefix("- record:") || trimmed.hasPrefix("record:") {
                recorded.insert(String(trimmed.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces))
            } else if trimmed.hasPrefix("expr:") {
                let value = trimmed.dropFirst("expr:".count).trimmingCharacters(in: .whitespaces)
                if value == "|" || value == "|-" {
                    var block: [String] = []
                    while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).isEmpty || indent(lines[index]) > indent(line) {
                        block.append(lines[index])
                        index += 1
                    }
                    expressions.append(block.joined(separator: "\n"))
                } else {
                    expressions.append(value)
                }
            }
        }
        return (expressions, recorded)
    }

    /// Every string value under `key`, at any depth of a JSON document.
    static func values(forKey key: String, in json: Any) -> [String] {
        if let object = json as? [String: Any] {
            return object.flatMap { entry -> [String] in
                entry.key == key ? [entry.value as? String].compactMap { $0 } : values(forKey: key, in: entry.value)
            }
        }
        if let array = json as? [Any] { return array.flatMap { values(forKey: key, in: $0) } }
        return []
    }

    /// The metric and recording-rule names a PromQL expression reads, and its `__name__=~` patterns.
    static func metricReferences(in expression: String) throws -> (names: Set<String>, nameMatchers: [String]) {
        let nameMatchers = matches(of: #"__name__\s*=~\s*"([^"]*)""#, in: expression)
        var text = expression
        for pattern in [
            #""(?:[^"\\]|\\.)*""#,  // strings
            #"\[[^\]]*\]"#,  // ranges and subqueries
            #"\{[^}]*\}"#,  // label matchers
            #"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"#,  // label lists
            #"\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b"#,  // numbers
        ] {
            text = text.replacing(try Regex(pattern), with: " ")
        }
        let keywords: Set<String> = [
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan",
        ]
        var names: Set<String> = []
        for match in text.matches(of: try Regex(#"[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?"#)) {
            let token = String(text[match.range]).trimmingCharacters(in: .whitespaces)
            guard !token.hasSuffix("("), !keywords.contains(token.lowercased()) else { continue }
            names.insert(token)
        }
        return (names, nameMatchers)
    }

    // MARK: - Running services

    /// The metric names the six services expose after serving a request each.
    static func exposedMetricNames() async throws -> Set<String> {
        try await withServices(definitions[...]) { services in
            var names: Set<String> = []
            for service in services {
                _ = try await service.send(.GET, "/health")
                for series in try await service.metricSamples().keys {
                    names.insert(String(series.prefix { $0 != "{" }))
                }
            }
            return names
        }
    }

    static func withServices<Value: Sendable>(
        _ definitions: ArraySlice<ServiceDefinition>,
        running: [RunningService] = [],
        _ body: @escaping @Sendable ([RunningService]) async throws -> Value
    ) async throws -> Value {
        guard let first = definitions.first else { return try await body(running) }
        return try await RunningService.with(first) { service in
            try await withServices(definitions.dropFirst(), running: running + [service], body)
        }
    }
}
