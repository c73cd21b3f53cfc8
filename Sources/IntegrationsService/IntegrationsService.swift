import ServiceKit
import ServiceKitHTTPClient
import ServiceLifecycle

/// Delivery to outside providers (Slack, signed webhooks, PagerDuty) from a durable outbox,
/// through circuit breakers, retries with budgets and timeouts, so that a provider outage
/// loses no message.
public enum IntegrationsService {
    public static let definition = ServiceDefinition(
        name: "integrations",
        defaultPort: 8006,
        migrations: IntegrationsSchema.migrations,
        addRoutes: { routes in
            let environment = routes.environment
            let registry = try registry(environment)
            IntegrationsRoutes.add(to: routes, registry: registry)
            if let database = environment.database {
                let store = DeliveryStore(database: database)
                routes.runInBackground(try dispatcher(store, registry: registry, environment: environment))
                routes.runInBackground(deliveriesGauge(store, registry: registry, environment: environment))
            }
        }
    )

    /// `integrations_deliveries{provider,status}`, counted in the outbox.
    static func deliveriesGauge(_ store: DeliveryStore, registry: ProviderRegistry, environment: ServiceEnvironment) -> SampledGauge {
        SampledGauge(
            metrics: environment.metrics,
            name: "deliveries",
            help: "Deliveries by provider and status, delivered ones left out; a table-wide count that every replica reports alike.",
            labelNames: ["provider", "status"],
            expected: registry.entries.flatMap { entry in ["queued", "sending", "failed", "dead"].map { [entry.provider.name, $0] } },
            interval: environment.settings.metricsSampleInterval,
            logger: environment.logger,
            sample: store.openDeliveryCounts
        )
    }

    /// The providers and their policies, shared by the routes and the dispatcher.
    static func registry(_ environment: ServiceEnvironment) throws -> ProviderRegistry {
        let config = environment.config
        let providers: [any Provider] = [
            SlackProvider(
                botToken: try config.string("SLACK_BOT_TOKEN"),
                webhookURL: try config.string("SLACK_WEBHOOK_URL"),
                apiBaseURL: try config.string("SLACK_API_BASE_URL", default: "https://slack.com/api")
            ),
            WebhookProvider(signingSecret: try config.string("WEBHOOK_SIGNING_SECRET"), targets: try webhookTargets(config)),
            PagerDutyProvider(
                routingKey: try config.string("PAGERDUTY_ROUTING_KEY"),
                eventsURL: try config.string("PAGERDUTY_EVENTS_URL", default: "https://events.pagerduty.com/v2/enqueue")
            ),
        ]
        return try ProviderRegistry(providers: providers, config: config, metrics: environment.metrics)
    }

    /// `WEBHOOK_ALLOWED_HOSTS`: host names and CIDR blocks that webhooks may reach although
    /// they are not public (a receiver on the same network).
    static func webhookTargets(_ config: Config) throws -> OutboundTargetGuard {
        do {
            return try OutboundTargetGuard(allowList: try config.list("WEBHOOK_ALLOWED_HOSTS"))
        } catch let error as OutboundTargetGuard.InvalidEntry {
            throw ConfigError(name: "WEBHOOK_ALLOWED_HOSTS", reason: error.description)
        }
    }

    static func dispatcher(_ store: DeliveryStore, registry: ProviderRegistry, environment: ServiceEnvironment) throws -> DeliveryDispatcher {
        let config = environment.config
        return DeliveryDispatcher(
            store: store,
            registry: registry,
            http: OutboundHTTP(),
            concurrency: try config.int("DELIVERY_CONCURRENCY", default: 4, range: 1...64),
            maxAttempts: try config.int("DELIVERY_MAX_ATTEMPTS", default: 8, range: 1...100),
            retryBase: try config.seconds("DELIVERY_RETRY_BASE_SECONDS", default: 2),
            idlePoll: .milliseconds(200),
            logger: environment.logger
        )
    }
}
