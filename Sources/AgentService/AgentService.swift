import ServiceKit
import ServiceKitHTTPClient

/// The conversational agent: each user turn is a run through a typed state graph that asks
/// nlu for the intent, answers from rag with citations, looks up ingestion jobs or, after a
/// person approves, acts through integrations. Runs are checkpointed in PostgreSQL after
/// every node, so another replica resumes a run whose replica died, and their events go to
/// a Redis stream per run, served as SSE by any replica.
public enum AgentService {
    public static let definition = ServiceDefinition(
        name: "agent",
        defaultPort: 8005,
        migrations: AgentSchema.migrations,
        addRoutes: { routes in
            let environment = routes.environment
            let settings = try AgentSettings(config: environment.config)
            let metrics = AgentMetrics(metrics: environment.metrics)
            let events = RunEventLog(redis: environment.redis, retention: settings.eventsRetention, logger: environment.logger)
            let stream = RunEventStream(
                events: events,
                stream: EventStream(heartbeat: settings.heartbeat, maxLifetime: settings.maxStreamLifetime),
                slots: StreamSlots(
                    capacity: settings.maxStreams,
                    metrics: environment.metrics,
                    name: "sse_streams",
                    help: "Event streams open on this replica."
                )
            )
            let owner = JobWorker.defaultConsumerName()
            var scheduler: RunScheduler?
            var turns: RecentTurns?
            let clients = try AgentClients(settings: settings, environment: environment)
            // Only llm mode plans with the model; a rule-mode replica resuming an llm run falls back.
            let model = settings.mode == .llm ? try OpenAIClient.make(config: environment.config, metrics: environment.metrics) : nil
            if settings.mode == .llm, model == nil {
                throw ConfigError(
                    name: "AGENT_MODE",
                    reason: "llm needs an OpenAI-compatible model: set OPENAI_BASE_URL (and OPENAI_API_KEY where the provider needs one)"
                )
            }
            if let database = environment.database {
                let store = RunStore(database: database)
                let recent = RecentTurns(database: database, redis: environment.redis, ttl: settings.stateTTL, logger: environment.logger)
                turns = recent
                let executor = RunExecutor(
                    store: store,
                    graph: AgentGraph(conversations: ConversationStore(database: database), turns: recent, model: model),
                    clients: clients,
                    settings: settings,
                    events: events,
                    metrics: metrics,
                    logger: environment.logger,
                    owner: owner
                )
                let runs = RunScheduler(executor: executor, store: store, lease: settings.runLease, logger: environment.logger)
                routes.runInBackground(runs)
                scheduler = runs
            }
            ConversationRoutes.add(to: routes, scheduler: scheduler, turns: turns, asr: clients.asr, stream: stream, settings: settings, owner: owner)
            RunRoutes.add(to: routes, scheduler: scheduler, stream: stream, events: events, metrics: metrics, settings: settings, owner: owner)
        }
    )
}
