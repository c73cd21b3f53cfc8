import ServiceKit

/// Why a call to the OpenAI-compatible provider gave no usable answer. Whatever the kind,
/// a caller that has a local path (extractive answers, the local ASR) falls back to it; the
/// kind says what to log and whether retrying later may help.
///
/// Its description never contains the API key.
public struct OpenAIError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Unreachable, timed out, 5xx or 429 after the policy's retries, or the breaker is open.
        case unavailable
        /// The provider refused the request (a 4xx other than 408 and 429: bad key, bad model).
        case rejected
        /// A 2xx whose body is not the OpenAI wire format.
        case malformedReply
        /// A streamed answer that broke off before `[DONE]`.
        case interrupted
    }

    public let kind: Kind
    /// The provider's HTTP status, when it answered with one.
    public let status: Int?
    public let description: String

    public init(kind: Kind, status: Int? = nil, description: String) {
        self.kind = kind
        self.status = status
        self.description = description
    }

    /// The error for a call the resilience policy gave up on.
    static func from(_ error: ProviderCallError, settings: OpenAISettings) -> OpenAIError {
        let text = settings.redacting("openai: \(error.description)")
        if case .failed(let failure, _) = error, !failure.retryable {
            return OpenAIError(kind: .rejected, status: failure.status, description: text)
        }
        if case .failed(let failure, _) = error {
            return OpenAIError(kind: .unavailable, status: failure.status, description: text)
        }
        return OpenAIError(kind: .unavailable, description: text)
    }
}
