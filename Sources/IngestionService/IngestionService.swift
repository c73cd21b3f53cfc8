import Logging
import ServiceKit
import ServiceLifecycle

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
            try IngestionRoutes.add(to: routes, relay: relay(environment), queue: environment.redis.map { JobQueue(redis: $0) })
        },
        backgroundServices: { environment in
            guard let database = environment.database, let redis = environment.redis, let relay = relay(environment) else { return [] }
            return [relay, JobStatusProjector(store: IngestionStore(database: database), redis: redis, logger: environment.logger)]
        }
    )

    static func relay(_ environment: ServiceEnvironment) -> JobOutboxRelay? {
        guard let database = environment.database, let redis = environment.redis else { return nil }
        return JobOutboxRelay(database: database, queue: JobQueue(redis: redis), logger: environment.logger, sweepInterval: .seconds(2))
    }
}
