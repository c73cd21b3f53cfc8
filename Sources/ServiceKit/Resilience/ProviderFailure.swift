/// How one attempt at a provider failed, as the attempt itself judged it.
public struct ProviderFailure: Error, Sendable, CustomStringConvertible {
    /// Worth another attempt (connect errors, timeouts, 5xx, 429).
    public let retryable: Bool
    /// Evidence the provider is unwell (not a 429 or a client error), counted by the breaker.
    public let countsAgainstBreaker: Bool
    /// The provider's `Retry-After`, honoured when it fits the remaining budget.
    public let retryAfter: Duration?
    public let status: Int?
    public let description: String
    /// The provider's own explanation, when it answered with a problem document (its `detail`).
    public let detail: String?

    public init(
        retryable: Bool,
        countsAgainstBreaker: Bool,
        retryAfter: Duration? = nil,
        status: Int? = nil,
        description: String,
        detail: String? = nil
    ) {
        self.retryable = retryable
        self.countsAgainstBreaker = countsAgainstBreaker
        self.retryAfter = retryAfter
        self.status = status
        self.description = description
        self.detail = detail
    }

    /// The verdict on an HTTP status: 2xx is no failure (nil); 408, 429 and 5xx may be retried.
    public static func http(status: Int, retryAfter: Duration?, body: String, detail: String? = nil) -> ProviderFailure? {
        switch status {
        case 200..<300: nil
        case 429:
            ProviderFailure(
                retryable: true,
                countsAgainstBreaker: false,
                retryAfter: retryAfter,
                status: status,
                description: "HTTP 429: \(body)",
                detail: detail
            )
        case 408, 500..<600:
            ProviderFailure(
                retryable: true,
                countsAgainstBreaker: true,
                retryAfter: retryAfter,
                status: status,
                description: "HTTP \(status): \(body)",
                detail: detail
            )
        default:
            ProviderFailure(retryable: false, countsAgainstBreaker: false, status: status, description: "HTTP \(status): \(body)", detail: detail)
        }
    }
}

/// Why a call through a ``ResiliencePolicy`` gave up.
public enum ProviderCallError: Error, Sendable, CustomStringConvertible {
    /// The breaker is open: nothing was sent.
    case circuitOpen(provider: String)
    /// The last attempt failed and no other was allowed (non-retryable, attempts or budget spent).
    case failed(ProviderFailure, attempts: Int)
    /// The total time budget ran out.
    case budgetExhausted(attempts: Int, last: String?)

    public var description: String {
        switch self {
        case .circuitOpen(let provider): "circuit breaker for \(provider) is open"
        case .failed(let failure, let attempts): "failed after \(attempts) attempt(s): \(failure.description)"
        case .budgetExhausted(let attempts, let last): "time budget exhausted after \(attempts) attempt(s)\(last.map { ": \($0)" } ?? "")"
        }
    }

    /// Whether a later try (a delivery's next attempt) might succeed.
    public var isRetryableLater: Bool {
        switch self {
        case .circuitOpen, .budgetExhausted: true
        case .failed(let failure, _): failure.retryable
        }
    }
}
