/// One step of a service's schema, applied once, in version order, inside a transaction.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// The statements, run one by one (the extended protocol takes one statement a query).
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}
