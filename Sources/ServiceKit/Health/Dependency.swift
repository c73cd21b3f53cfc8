/// A backing service the suite's services may depend on.
public enum Dependency: String, Sendable, Hashable, CaseIterable, Codable {
    case postgres, redis
}
