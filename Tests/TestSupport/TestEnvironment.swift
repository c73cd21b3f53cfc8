import Foundation

/// What `ops/test` provides to the tests: URLs of the shared PostgreSQL and Redis, and the
/// binaries and a scratch folder for tests that run private servers they may stop.
public enum TestEnvironment {
    public struct Missing: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "\(name) is not set: run the tests through ops/test, which starts PostgreSQL and Redis" }
    }

    public static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(name: name) }
        return value
    }

    public static var databaseURL: String { get throws { try value("TEST_DATABASE_URL") } }
    public static var redisURL: String { get throws { try value("TEST_REDIS_URL") } }
    public static var postgresBinDirectory: String { get throws { try value("TEST_PG_BIN") } }
    /// The unprivileged user PostgreSQL runs as when the tests run as root; nil otherwise.
    public static var postgresRunAs: String? { ProcessInfo.processInfo.environment["TEST_PG_RUN_AS"].flatMap { $0.isEmpty ? nil : $0 } }
    public static var redisServer: String { get throws { try value("TEST_REDIS_SERVER") } }
    public static var promtool: String { get throws { try value("TEST_PROMTOOL") } }
    public static var workDirectory: String { get throws { try value("TEST_WORK_DIR") } }
    /// The folder `ops/models` fills (TEST_MODELS_DIR from ops/test, else the repository's `.run/models`).
    public static var modelsDirectory: String {
        if let explicit = ProcessInfo.processInfo.environment["TEST_MODELS_DIR"], !explicit.isEmpty { return explicit }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.run/models").standardizedFileURL.path
    }

    /// Where `swift build` put the executables (this test bundle sits beside them).
    public static var binDirectory: String {
        if let explicit = ProcessInfo.processInfo.environment["TEST_BIN_DIR"], !explicit.isEmpty { return explicit }
        var url = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("ingestion").path) {
            url = url.deletingLastPathComponent()
        }
        return url.path
    }

    /// A fresh folder under the scratch folder, readable by the PostgreSQL user.
    public static func makeScratchDirectory(_ prefix: String) throws -> String {
        let path = (try workDirectory as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        return path
    }
}
