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
        for name in ["postgres_password", "redis_password", "database_url", "redis_url", "service_api_key"] {
            let permissions = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.posixPermissions] as? Int
            #expect(permissions == 0o600, "\(name)")
            #expect(!firstOutput.contains(try read(name)), "the script printed \(name)")
        }

        try await runCommand("/bin/bash", [script, folder])
        #expect(try read("postgres_password") == postgresPassword)
        try await runCommand("/bin/bash", [script, "--force", folder])
        let rotated = try read("postgres_password")
        #expect(rotated != postgresPassword)
        #expect(try PostgresURL(parsing: try read("database_url")).password == rotated)
    }

    @Test func gitIgnoresEverythingInSecretsButItsReadme() async throws {
        let git = ["-C", Self.repository.path, "check-ignore", "-q"]
        try await runCommand("/usr/bin/git", git + ["secrets/database_url"])
        await #expect(throws: CommandFailure.self) { try await runCommand("/usr/bin/git", git + ["secrets/README.md"]) }
    }
}
