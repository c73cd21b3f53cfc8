/// How calls to one outside provider are bounded: attempts, backoff, timeouts, the retry
/// budget and the circuit breaker, read from configuration.
public struct ResilienceSettings: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var attemptTimeout: Duration
    public var totalBudget: Duration
    public var retryBudgetRatio: Double
    public var breakerMaxFailures: Int
    public var breakerWindow: Duration
    public var breakerOpenDuration: Duration

    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(500),
        attemptTimeout: Duration = .seconds(5),
        totalBudget: Duration = .seconds(10),
        retryBudgetRatio: Double = 0.2,
        breakerMaxFailures: Int = 5,
        breakerWindow: Duration = .seconds(60),
        breakerOpenDuration: Duration = .seconds(30)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.attemptTimeout = attemptTimeout
        self.totalBudget = totalBudget
        self.retryBudgetRatio = retryBudgetRatio
        self.breakerMaxFailures = breakerMaxFailures
        self.breakerWindow = breakerWindow
        self.breakerOpenDuration = breakerOpenDuration
    }

    /// Reads `RETRY_MAX_ATTEMPTS`, `RETRY_BASE_SECONDS`, `RETRY_BUDGET_RATIO`,
    /// `PROVIDER_TIMEOUT_DEFAULT_SECONDS` (or `TIMEOUT_<PROVIDER>_SECONDS`),
    /// `PROVIDER_TOTAL_BUDGET_SECONDS`, `CB_MAX_FAILURES`, `CB_WINDOW_SECONDS`, `CB_OPEN_SECONDS`.
    public init(provider: String, config: Config) throws(ConfigError) {
        let defaultTimeout = try config.seconds("PROVIDER_TIMEOUT_DEFAULT_SECONDS", default: 5)
        let ratioText = try config.string("RETRY_BUDGET_RATIO", default: "0.2")
        guard let ratio = Double(ratioText), (0...1).contains(ratio) else {
            throw ConfigError(name: "RETRY_BUDGET_RATIO", reason: "expected a fraction between 0 and 1")
        }
        self.init(
            maxAttempts: try config.int("RETRY_MAX_ATTEMPTS", default: 3, range: 1...20),
            baseDelay: try config.seconds("RETRY_BASE_SECONDS", default: 0.5),
            attemptTimeout: try config.lookup("TIMEOUT_\(provider.uppercased())_SECONDS") == nil
                ? defaultTimeout : try config.seconds("TIMEOUT_\(provider.uppercased())_SECONDS", default: 5),
            totalBudget: try config.seconds("PROVIDER_TOTAL_BUDGET_SECONDS", default: 10),
            retryBudgetRatio: ratio,
            breakerMaxFailures: try config.int("CB_MAX_FAILURES", default: 5, range: 1...1000),
            breakerWindow: try config.seconds("CB_WINDOW_SECONDS", default: 60),
            breakerOpenDuration: try config.seconds("CB_OPEN_SECONDS", default: 30)
        )
    }
}
