/// A unit of queued work as a handler sees it.
public struct Job: Sendable, Equatable {
    public let id: String
    /// 1 on the first delivery; handlers must be idempotent, as a job may run again.
    public let attempt: Int
    public let payload: [UInt8]
    /// The stream entry that delivered it.
    let entryID: String
}

/// Where a job stands, as published on `jobs:status`.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    case queued, processing, done
    /// An attempt failed and another is scheduled.
    case failed
    /// The last attempt failed; the job is in the dead-letter stream.
    case dead

    public var isTerminal: Bool { self == .done || self == .dead }
}

/// One status change of a job.
public struct JobStatusEvent: Sendable, Equatable {
    /// The entry id in the job's own status stream; SSE clients resume from it.
    public let eventID: String
    public let jobID: String
    public let status: JobStatus
    public let attempt: Int
    public let error: String?
    /// The handler's result (JSON text), on `done`.
    public let result: String?
}
