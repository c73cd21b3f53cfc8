import Foundation
import Logging
import ServiceLifecycle

/// Consumes one job stream in a consumer group, shared by every replica.
///
/// - A job is acknowledged (XACK) only after its handler returned, that is after the handler
///   stored its result; handlers must be idempotent, as a crash in between runs them again.
/// - A failed attempt is retried with exponential backoff (through `<stream>:delayed`, a
///   sorted set that a script moves back to the stream when due) up to `maxAttempts`; after
///   the last, the job goes to `<stream>:dead` with its error. A ``PermanentJobFailure``
///   goes there at once.
/// - Entries a consumer has held longer than `visibilityTimeout` (it died mid-job) are
///   reclaimed with XAUTOCLAIM by a live one; their deliveries count as attempts.
/// - Status changes are published through ``JobQueue``.
/// - On graceful shutdown it stops taking work and lets running jobs finish; anything
///   unfinished stays pending and is reclaimed by another consumer.
public final class JobWorker: Service, Sendable {
    public typealias Handler = @Sendable (Job) async throws -> String?

    public struct Configuration: Sendable {
        public var stream: String
        public var group: String
        public var consumer: String
        public var concurrency: Int
        public var maxAttempts: Int
        public var visibilityTimeout: Duration
        public var retryBackoff: Backoff
        /// How long one read waits for new entries before checking for shutdown.
        public var blockFor: Duration

        /// Reads `JOB_MAX_ATTEMPTS` (5), `JOB_VISIBILITY_TIMEOUT_SECONDS` (60) and `JOB_CONCURRENCY` (2).
        public init(stream: String, group: String, config: Config) throws(ConfigError) {
            self.init(
                stream: stream,
                group: group,
                concurrency: try config.int("JOB_CONCURRENCY", default: 2, range: 1...64),
                maxAttempts: try config.int("JOB_MAX_ATTEMPTS", default: 5, range: 1...100),
                visibilityTimeout: try config.seconds("JOB_VISIBILITY_TIMEOUT_SECONDS", default: 60)
            )
        }

        public init(
            stream: String,
            group: String,
            consumer: String = JobWorker.defaultConsumerName(),
            concurrency: Int = 2,
            maxAttempts: Int = 5,
            visibilityTimeout: Duration = .seconds(60),
            retryBackoff: Backoff = Backoff(base: .seconds(1), cap: .seconds(60)),
            blockFor: Duration = .seconds(1)
        ) {
            self.stream = stream
            self.group = group
            self.consumer = consumer
            self.concurrency = concurrency
            self.maxAttempts = maxAttempts
            self.visibilityTimeout = visibilityTimeout
            self.retryBackoff = retryBackoff
            self.blockFor = blockFor
        }
    }

    public let configuration: Configuration
    let redis: RedisClient
    let reader: StreamGroupReader
    let queue: JobQueue
    let handler: Handler
    let logger: Logger

    public init(configuration: Configuration, redis: RedisClient, logger: Logger, handler: @escaping Handler) {
        self.configuration = configuration
        self.redis = redis
        self.reader = StreamGroupReader(
            redis: redis,
            stream: configuration.stream,
            group: configuration.group,
            consumer: configuration.consumer,
            reclaimAfter: configuration.visibilityTimeout
        )
        self.queue = JobQueue(redis: redis)
        self.handler = handler
        self.logger = logger
    }

    public static func defaultConsumerName() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    var deadStream: String { configuration.stream + ":dead" }
    var delayedSet: String { configuration.stream + ":delayed" }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for _ in 0..<configuration.concurrency {
                group.addTask { await self.consumeLoop() }
            }
            group.addTask { await self.maintenanceLoop() }
        }
    }

    private var stopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }

    /// Reads new entries and runs them until shutdown; waits out Redis outages with backoff.
    private func consumeLoop() async {
        var failures = 0
        while !stopping {
            do {
                let entries = try await reader.read(count: 1, block: configuration.blockFor)
                failures = 0
                for entry in entries { await process(entry, deliveries: 1) }
            } catch {
                if failures == 0 {
                    logger.warning("job worker cannot read its stream", metadata: ["stream": "\(configuration.stream)", "error": "\(error)"])
                }
                try? await Task.sleep(for: Backoff().delay(attempt: failures))
                failures += 1
            }
        }
    }

    /// Moves due retries back to the stream and reclaims entries abandoned by dead consumers.
    private func maintenanceLoop() async {
        let reclaimEvery = max(.milliseconds(500), configuration.visibilityTimeout / 2)
        var lastReclaim = ContinuousClock.now
        while !stopping {
            do {
                _ = try await redis.run(
                    Self.moveDueScript,
                    keys: [delayedSet, configuration.stream],
                    arguments: [String(Int(Date().timeIntervalSince1970 * 1000)), "100"]
                )
                if ContinuousClock.now - lastReclaim >= reclaimEvery {
                    lastReclaim = ContinuousClock.now
                    for (entry, deliveries) in try await reader.reclaim() {
                        logger.notice("reclaimed an abandoned job", metadata: ["stream": "\(configuration.stream)", "entry": "\(entry.id)"])
                        await process(entry, deliveries: deliveries)
                    }
                }
            } catch {
                logger.debug("job maintenance failed", metadata: ["stream": "\(configuration.stream)", "error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Runs one entry; each earlier delivery of the same entry (a crashed consumer) counts as an attempt.
    private func process(_ entry: RedisClient.StreamEntry, deliveries: Int) async {
        func text(_ field: String) -> String? { entry[field].map { String(decoding: $0, as: UTF8.self) } }
        guard let jobID = text("job_id") else {
            logger.error(
                "malformed job entry; moving it to the dead-letter stream",
                metadata: ["stream": "\(configuration.stream)", "entry": "\(entry.id)"]
            )
            _ = try? await redis.streamAdd(deadStream, fields: entry.fields + [("error", Array("malformed entry".utf8))])
            _ = try? await reader.acknowledge([entry.id])
            return
        }
        let attempt = (text("attempt").flatMap(Int.init) ?? 1) + deliveries - 1
        let job = Job(id: jobID, attempt: attempt, payload: entry["payload"] ?? [], entryID: entry.id)
        do {
            if attempt > configuration.maxAttempts {
                try await bury(job, error: "abandoned by its consumer \(deliveries - 1) times")
                return
            }
            try await queue.publish(jobID: job.id, status: .processing, attempt: attempt)
            let outcome: Result<String?, any Error>
            do {
                outcome = .success(try await handler(job))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let result):
                try await queue.publish(jobID: job.id, status: .done, attempt: attempt, result: result)
                try await reader.acknowledge([entry.id])
            case .failure(let error):
                let reason = String(describing: error)
                if error is PermanentJobFailure || attempt >= configuration.maxAttempts {
                    try await bury(job, error: reason)
                } else {
                    try await scheduleRetry(job, error: reason)
                }
            }
        } catch {
            // Redis failed us mid-way: the entry stays pending and is reclaimed later.
            logger.warning("job bookkeeping failed; the job will be reclaimed", metadata: ["job_id": "\(job.id)", "error": "\(error)"])
        }
    }

    /// Schedules the next attempt, then acknowledges this one (in that order: a crash between
    /// the two can only repeat an attempt, never lose the job).
    private func scheduleRetry(_ job: Job, error: String) async throws {
        let delay = configuration.retryBackoff.delay(attempt: job.attempt - 1)
        let due = Int((Date().timeIntervalSince1970 + delay.seconds) * 1000)
        let member = try String(
            decoding: JSONEncoder().encode(
                DelayedJob(jobID: job.id, attempt: job.attempt + 1, payload: String(decoding: job.payload, as: UTF8.self), entry: job.entryID)
            ),
            as: UTF8.self
        )
        _ = try await redis.command(["ZADD", delayedSet, String(due), member])
        try await queue.publish(jobID: job.id, status: .failed, attempt: job.attempt, error: error)
        try await reader.acknowledge([job.entryID])
        logger.info(
            "job attempt failed; retrying",
            metadata: ["job_id": "\(job.id)", "attempt": "\(job.attempt)", "retry_in_seconds": "\(delay.seconds)"]
        )
    }

    private func bury(_ job: Job, error: String) async throws {
        try await redis.streamAdd(
            deadStream,
            fields: [
                ("job_id", Array(job.id.utf8)), ("attempts", Array(String(job.attempt).utf8)), ("payload", job.payload),
                ("error", Array(error.prefix(2000).utf8)),
            ]
        )
        try await queue.publish(jobID: job.id, status: .dead, attempt: job.attempt, error: error)
        try await reader.acknowledge([job.entryID])
        logger.warning("job moved to the dead-letter stream", metadata: ["job_id": "\(job.id)", "attempts": "\(job.attempt)", "error": "\(error)"])
    }

    /// A retry waiting in the delayed set; `entry` keeps members unique per failed delivery.
    struct DelayedJob: Codable {
        let jobID: String
        let attempt: Int
        let payload: String
        let entry: String
    }

    /// KEYS: the delayed set, the stream. ARGV: now (ms), how many to move. Atomic, so each
    /// due retry is moved by exactly one replica.
    static let moveDueScript = RedisScript(
        """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        for _, member in ipairs(due) do
          local job = cjson.decode(member)
          redis.call('XADD', KEYS[2], '*', 'job_id', job.jobID, 'attempt', tostring(job.attempt), 'payload', job.payload)
          redis.call('ZREM', KEYS[1], member)
        end
        return #due
        """
    )
}
