import Foundation

/// Reads configuration values in the suite's lookup order:
/// environment `NAME` > `NAME_FILE` (a path) > file `${SECRETS_DIR:-/run/secrets}/name` > default,
/// where an empty value counts as unset.
///
/// Typed accessors throw ``ConfigError`` naming the variable when a value is present but
/// unusable, so a bad setting stops start-up instead of silently falling back.
public struct Config: Sendable {
    /// Where a value was found; reported in errors without ever including the value.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case environment
        case file(path: String)
        case secretsDirectory(path: String)

        public var description: String {
            switch self {
            case .environment: "environment"
            case .file(let path): "file \(path)"
            case .secretsDirectory(let path): "secret file \(path)"
            }
        }
    }

    public let environment: [String: String]
    public let secretsDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        let directory = environment["SECRETS_DIR"].map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        self.secretsDirectory = directory.isEmpty ? "/run/secrets" : directory
    }

    /// The raw value of `name` and where it came from, or nil when no source has it.
    /// An empty value counts as unset at every step, so `NAME=` in an env file and the empty
    /// placeholder files of optional secrets fall through to the next source or the default.
    public func lookup(_ name: String) throws(ConfigError) -> (value: String, source: Source)? {
        if let value = environment[name], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return (value, .environment)
        }
        if let path = environment["\(name)_FILE"], !path.isEmpty {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw ConfigError(name: name, reason: "\(name)_FILE names \(path), which cannot be read")
            }
            let value = try Self.decode(contents, name: name, source: .file(path: path))
            if !value.isEmpty { return (value, .file(path: path)) }
        }
        let secretPath = (secretsDirectory as NSString).appendingPathComponent(name.lowercased())
        if let contents = FileManager.default.contents(atPath: secretPath) {
            let source = Source.secretsDirectory(path: secretPath)
            let value = try Self.decode(contents, name: name, source: source)
            if !value.isEmpty { return (value, source) }
        }
        return nil
    }

    public func string(_ name: String) throws(ConfigError) -> String? {
        try lookup(name)?.value
    }

    public func string(_ name: String, default defaultValue: String) throws(ConfigError) -> String {
        try string(name) ?? defaultValue
    }

    public func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int> = Int.min...Int.max) throws(ConfigError) -> Int {
        guard let (raw, source) = try lookup(name) else { return defaultValue }
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard let value = Int(trimmed) else {
            throw ConfigError(name: name, reason: "expected a whole number, got \(Self.quoted(trimmed)) from the \(source)")
        }
        guard range.contains(value) else {
            throw ConfigError(name: name, reason: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// The longest duration a seconds setting may hold (a year): longer ones are typos, and
    /// values like `1e300` would not fit a duration at all.
    public static let maxSeconds: Double = 31_536_000

    public func seconds(_ name: String, default defaultValue: Double) throws(ConfigError) -> Duration {
        guard let (raw, source) = try lookup(name) else { return .milliseconds(Int64(defaultValue * 1000)) }
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite, value > 0, value <= Self.maxSeconds else {
            throw ConfigError(
                name: name,
                reason: "expected a positive number of seconds up to \(Int(Self.maxSeconds)), got \(Self.quoted(trimmed)) from the \(source)"
            )
        }
        return .milliseconds(Int64(value * 1000))
    }

    /// A finite number within `range`, such as a score threshold or a weight.
    public func double(_ name: String, default defaultValue: Double, range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let (raw, source) = try lookup(name) else { return defaultValue }
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite else {
            throw ConfigError(name: name, reason: "expected a number, got \(Self.quoted(trimmed)) from the \(source)")
        }
        guard range.contains(value) else {
            throw ConfigError(name: name, reason: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    public func bool(_ name: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        guard let (raw, source) = try lookup(name) else { return defaultValue }
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default:
            throw ConfigError(name: name, reason: "expected 1/0 or true/false, got \(Self.quoted(raw)) from the \(source)")
        }
    }

    /// A comma-separated list, entries trimmed, empty entries dropped.
    public func list(_ name: String) throws(ConfigError) -> [String] {
        guard let raw = try string(name) else { return [] }
        return raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func decode(_ contents: Data, name: String, source: Source) throws(ConfigError) -> String {
        guard let text = String(data: contents, encoding: .utf8) else {
            throw ConfigError(name: name, reason: "the \(source) is not UTF-8 text")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Quotes a rejected value for an error message; a long one, which may be a misplaced secret, is only measured.
    private static func quoted(_ value: String) -> String {
        value.count > 16 ? "a value of \(value.count) characters" : "\"\(value)\""
    }
}
