/// A configuration value that is present but unusable; names the variable, never echoes a secret.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public let reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    public var description: String { "invalid configuration \(name): \(reason)" }
}
