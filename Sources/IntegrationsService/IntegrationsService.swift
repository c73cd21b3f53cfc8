import ServiceKit

/// Delivery to outside providers (Slack, signed webhooks, PagerDuty) from a durable outbox.
public enum IntegrationsService {
    public static let definition = ServiceDefinition(
        name: "integrations",
        defaultPort: 8006
    )
}
