import Foundation

extension UUID {
    /// The suite writes ids in lower case, in URLs, bodies and job payloads alike.
    public var lowercased: String { uuidString.lowercased() }
}
