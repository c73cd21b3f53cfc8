import Foundation
import ServiceKit
import TestSupport
import Testing

/// `ops/secrets-init` writes strong, matching secrets once, and git never takes real ones.
@Suite struct SecretsInitTests {
    static let repository = ServicesDocumentationTests.repository

    @Test func writesMatchingSecretsOnceAndKeepsThem() async throws {
        let folder = NSTemporaryDirectory() + "secrets-\(UUID().uuidString)"
        let script = Self.repository.appendingPathComponent("ops/secrets-init").path
        let firstOutput = try await runCommand("/bin/bash", [script, folder])
        func read(_ name: String) throws -> String { try String(contentsOfFile: folder + "/" + name, encoding: .utf8) }

        let postgresPassword = try read("postgres_password")
        let redisPassword = try read("redis_password")
        #expect(postgresPassword.count >= 32 && redisPassword.count >= 32 && postgresPassword != redisPassword)
        #expect(try PostgresURL(parsing: try read("database_url")).password == postgresPassword)
        #expect(try RedisURL(parsing: try read("redis_url")).password == redisPassword)
        #expect(try read("service_api_key").count >= 32)
        #expect(try read("grafana_admin_password").count >= 32)
        func permissions(_ path: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }
        #expect(try permissions(folder) == 0o700)
        for name in ["postgres_password", "redis_password", "database_url", "redis_url", "service_api_key", "grafana_admin_password"] {
            #expect(try permissions(folder + "/" + name) == 0o644, "\(name)")
            #expect(!firstOutput.contains(try read(name)), "the script printed \(name)")
        }
        let optional = ["openai_api_key", "slack_bot_token", "slack_webhook_url", "webhook_signing_secret", "pagerduty_routing_key"]
        for name in optional {
            #expect(try read(name).isEmpty, "\(name) should be an empty placeholder")
        }
        // Every file compose mounts exists after the script, so `up` never stops on a missing one.
        let composeSecrets = try Self.composeSecretFiles()
        #expect(!composeSecrets.isEmpty)
        for name in composeSecrets {
            #expect(
                FileManager.default.fileExists(atPath: folder + "/" + name),
                "compose mounts secrets/\(name), which ops/secrets-init does not write"
            )
        }

        try "xoxb-filled-in".write(toFile: folder + "/slack_bot_token", atomically: true, encoding: .utf8)
        try await runCommand("/bin/bash", [script, folder])
        #expect(try read("postgres_password") == postgresPassword)
        try await runCommand("/bin/bash", [script, "--force", folder])
        let rotated = try read("postgres_password")
        #expect(rotated != postgresPassword)
        #expect(try PostgresURL(parsing: try read("database_url")).password == rotated)
        #expect(try read("slack_bot_token") == "xoxb-filled-in", "--force must keep provider secrets")
    }

    /// The `file: ./secrets/<name>` entries of docker-compose.prod.yml.
    static func composeSecretFiles() throws -> [String] {
        let compose = try String(contentsOf: repository.appendingPathComponent("docker-compose.prod.yml"), encoding: .utf8)
        return compose.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("file: ./secrets/") else { return nil }
            return String(trimmed.dropFirst("file: ./secrets/".count))
        }
    }

    @Test func gitIgnoresEverythingInSecretsButItsReadme() async throws {
        let git = ["-C", Self.repository.path, "check-ignore", "-q"]
        try await runCommand("/usr/bin/git", git + ["secrets/database_url"])
        await #expect(throws: CommandFailure.self) { try await runCommand("/usr/bin/git", git + ["secrets/README.md"]) }
    }
}
