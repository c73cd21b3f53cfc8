import HTTPTypes

/// The suite's own header names, beside the standard ones HTTPTypes defines.
extension HTTPField.Name {
    public static let requestID = Self(RequestID.headerName)!
    public static let apiKey = Self("X-API-Key")!
    public static let requestDeadline = Self(RequestDeadline.headerName)!
    public static let idempotencyKey = Self("Idempotency-Key")!
    public static let idempotentReplayed = Self("Idempotent-Replayed")!
    public static let xForwardedFor = Self("X-Forwarded-For")!
    public static let rateLimitLimit = Self("RateLimit-Limit")!
    public static let rateLimitRemaining = Self("RateLimit-Remaining")!
    public static let rateLimitReset = Self("RateLimit-Reset")!
    /// Where a Server-Sent Events client resumes: the id of the last event it received.
    public static let lastEventID = Self("Last-Event-ID")!
}
