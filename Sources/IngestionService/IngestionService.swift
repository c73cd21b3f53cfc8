import ServiceKit

/// Ingestion: the front door of the pipeline. It stores what arrives (documents, audio,
/// events) and hands work to asr and rag through Redis Streams without losing any of it.
public enum IngestionService {
    public static let ragIndexStream = "jobs:rag.index"
    public static let asrStream = "jobs:asr"

    public static let definition = ServiceDefinition(
        name: "ingestion",
        defaultPort: 8001,
        migrations: IngestionSchema.migrations,
        addRoutes: { routes in
            let environment = routes.environment
            let queue = environment.redis.map { JobQueue(redis: $0) }
            var relay: JobOutboxRelay?
            if let database = environment.database {
                let store = IngestionStore(database: database)
                if let redis = environment.redis, let queue {
                    relay = JobOutboxRelay(database: database, queue: queue, logger: environment.logger, sweepInterval: .seconds(2))
                    routes.runInBackground(relay!)
                    routes.runInBackground(JobStatusProjector(store: store, redis: redis, logger: environment.logger))
                }
                routes.runInBackground(jobsGauge(store, environment: environment))
            }
            try IngestionRoutes.add(to: routes, relay: relay, queue: queue)
        }
    )

    /// `ingestion_jobs{stream,status}`, counted in the job table.
    static func jobsGauge(_ store: IngestionStore, environment: ServiceEnvironment) -> SampledGauge {
        SampledGauge(
            metrics: environment.metrics,
            name: "jobs",
            help: "Jobs by stream and status, done ones left out; a table-wide count that every replica reports alike.",
            labelNames: ["stream", "status"],
            expected: [asrStream, ragIndexStream].flatMap { stream in [JobStatus.queued, .processing, .failed, .dead].map { [stream, $0.rawValue] } },
            interval: environment.settings.metricsSampleInterval,
            logger: environment.logger,
            sample: store.openJobCounts
        )
    }
}
