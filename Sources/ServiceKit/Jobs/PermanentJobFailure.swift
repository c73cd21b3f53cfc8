/// A job that no retry can make succeed (its input is unreadable, what it refers to is
/// gone): thrown by a handler, it sends the job straight to the dead-letter stream with
/// `reason`, which is what the job's status reports, so say it in words a person understands.
public struct PermanentJobFailure: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
