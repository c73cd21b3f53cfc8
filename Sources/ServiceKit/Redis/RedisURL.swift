import Foundation

/// A parsed `REDIS_URL`: `redis://[user:password@]host:port/db`.
///
/// `rediss://` is refused: the system hiredis is built without TLS, and silently talking
/// plain text to a server the operator meant to reach over TLS would be worse than failing.
public struct RedisURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int

    public init(host: String, port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses `text`; errors name `REDIS_URL` and never include the password.
    public init(parsing text: String, variable: String = "REDIS_URL") throws(ConfigError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw ConfigError(name: variable, reason: "not a URL of the form redis://[user:password@]host:port/db")
        }
        if scheme == "rediss" {
            throw ConfigError(
                name: variable,
                reason:
                    "rediss:// (TLS) is not supported by the system hiredis; reach Redis over redis:// on a private network or through a local TLS proxy"
            )
        }
        guard scheme == "redis" else {
            throw ConfigError(name: variable, reason: "unsupported scheme \(scheme)://, expected redis://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ConfigError(name: variable, reason: "no host")
        }
        let port = components.port ?? 6379
        guard (1...65535).contains(port) else {
            throw ConfigError(name: variable, reason: "port \(port) is out of range")
        }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        var database = 0
        if !path.isEmpty {
            guard let number = Int(path), number >= 0 else {
                throw ConfigError(name: variable, reason: "the database must be a number, as in redis://host:6379/0")
            }
            database = number
        }
        let username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        self.init(host: host, port: port, username: username, password: password, database: database)
    }
}
