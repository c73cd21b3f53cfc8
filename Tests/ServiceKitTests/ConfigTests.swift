import Foundation
import ServiceKit
import Testing

@Suite struct ConfigTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ contents: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent(name)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func environmentWinsOverFileOverSecretsDirectoryOverDefault() throws {
        _ = try write("database_url", "  postgresql://from-secrets-dir/db \n")
        let file = try write("explicit", "postgresql://from-file/db\n")
        var environment = ["SECRETS_DIR": folder]
        let config = { Config(environment: environment) }

        #expect(try config().string("DATABASE_URL") == "postgresql://from-secrets-dir/db")
        #expect(try config().lookup("DATABASE_URL")?.source == .secretsDirectory(path: folder + "/database_url"))

        environment["DATABASE_URL_FILE"] = file
        #expect(try config().string("DATABASE_URL") == "postgresql://from-file/db")

        environment["DATABASE_URL"] = "postgresql://from-env/db"
        #expect(try config().string("DATABASE_URL") == "postgresql://from-env/db")

        #expect(try config().string("NOT_SET_ANYWHERE", default: "fallback") == "fallback")
    }

    @Test func emptyValuesCountAsUnsetAtEveryStep() throws {
        let emptyFile = try write("empty", "\n")
        _ = try write("slack_bot_token", "")
        let config = Config(environment: [
            "SECRETS_DIR": folder, "SLACK_API_BASE_URL": "", "PAGERDUTY_ROUTING_KEY": " ", "WEBHOOK_SIGNING_SECRET_FILE": emptyFile,
        ])

        #expect(try config.string("SLACK_BOT_TOKEN") == nil)
        #expect(try config.string("SLACK_API_BASE_URL", default: "https://slack.com/api") == "https://slack.com/api")
        #expect(try config.string("PAGERDUTY_ROUTING_KEY") == nil)
        #expect(try config.string("WEBHOOK_SIGNING_SECRET") == nil)

        _ = try write("webhook_signing_secret", "from-secrets-dir")
        #expect(try config.string("WEBHOOK_SIGNING_SECRET") == "from-secrets-dir")
    }

    @Test func secretsDirectoryDefaultsToRunSecrets() {
        #expect(Config(environment: [:]).secretsDirectory == "/run/secrets")
        #expect(Config(environment: ["SECRETS_DIR": "/srv/s"]).secretsDirectory == "/srv/s")
    }

    @Test func unreadableFileReferenceNamesTheVariable() {
        let config = Config(environment: ["REDIS_URL_FILE": "/nonexistent/redis_url"])
        #expect(throws: ConfigError.self) { try config.string("REDIS_URL") }
        do {
            _ = try config.string("REDIS_URL")
        } catch {
            #expect(error.name == "REDIS_URL")
            #expect(error.description.contains("/nonexistent/redis_url"))
        }
    }

    @Test func badNumberStopsStartUpNamingTheVariable() {
        let config = Config(environment: ["MAX_REQUEST_BYTES": "abc"])
        #expect(throws: ConfigError(name: "MAX_REQUEST_BYTES", reason: "expected a whole number, got \"abc\" from the environment")) {
            try ServiceSettings(for: ServiceDefinition(name: "t", defaultPort: 1), config: config)
        }
    }

    @Test(arguments: [
        ("PORT", "70000"), ("REQUEST_TIMEOUT_SECONDS", "-1"), ("AUTH_ENABLED", "maybe"), ("LOG_LEVEL", "loud"),
        ("REDIS_URL", "rediss://cache:6380/0"), ("REDIS_URL", "http://cache"), ("DATABASE_URL", "postgresql://host/"),
    ])
    func invalidSettingIsRejectedByName(name: String, value: String) throws {
        let definition = ServiceDefinition(name: "t", defaultPort: 1)
        do {
            let settings = try ServiceSettings(for: definition, config: Config(environment: [name: value]))
            // URLs are only parsed when the clients are built.
            _ = try ServiceApplication(definition: definition, settings: settings, logger: .init(label: "t"))
            Issue.record("\(name)=\(value) was accepted")
        } catch let error as ConfigError {
            #expect(error.name == name)
        }
    }

    @Test func authWithoutKeyIsAConfigurationError() {
        #expect(throws: ConfigError.self) {
            try ServiceSettings(for: ServiceDefinition(name: "t", defaultPort: 1), config: Config(environment: ["AUTH_ENABLED": "1"]))
        }
    }

    @Test func longRejectedValuesAreNotEchoed() throws {
        let secretish = "s3cr3t-value-that-is-long-enough"
        do {
            _ = try Config(environment: ["PORT": secretish]).int("PORT", default: 1)
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains("s3cr3t"))
        }
    }

    @Test func summaryListsSettingsButNoSecrets() throws {
        let config = Config(environment: [
            "SERVICE_API_KEY": "key-abc-123", "AUTH_ENABLED": "1",
            "DATABASE_URL": "postgresql://app:pw-xyz@db:5432/suite", "REDIS_URL": "redis://:pw-redis@cache:6379/0",
            "MAX_REQUEST_BYTES": "2048",
        ])
        let settings = try ServiceSettings(for: ServiceDefinition(name: "t", defaultPort: 8009), config: config)
        let summary = settings.summary.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        #expect(summary.contains("max_request_bytes=2048"))
        #expect(summary.contains("port=8009"))
        for secret in ["key-abc-123", "pw-xyz", "pw-redis"] {
            #expect(!summary.contains(secret))
        }
    }

    @Test func databaseAndRedisURLsParse() throws {
        let database = try PostgresURL(parsing: "postgresql://app%40x:p%2Fw@db.internal:6543/suite?sslmode=disable")
        #expect(database.username == "app@x")
        #expect(database.password == "p/w")
        #expect(database.port == 6543)
        #expect(database.database == "suite")
        #expect(database.sslMode == .disable)

        let redis = try RedisURL(parsing: "redis://user:pa%3Ass@cache:6390/2")
        #expect(redis == RedisURL(host: "cache", port: 6390, username: "user", password: "pa:ss", database: 2))
        #expect(try RedisURL(parsing: "redis://cache") == RedisURL(host: "cache"))
    }
}
