import ServiceKit

/// The `integrations` schema: the delivery outbox.
enum IntegrationsSchema {
    static let migrations = [
        Migration(
            version: 1,
            name: "deliveries outbox",
            statements: [
                """
                CREATE TABLE integrations.deliveries (
                    id uuid PRIMARY KEY,
                    provider text NOT NULL,
                    target text NOT NULL,
                    message text,
                    payload jsonb,
                    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'delivered', 'failed', 'dead')),
                    attempts integer NOT NULL DEFAULT 0,
                    last_error text,
                    provider_response text,
                    next_attempt_at timestamptz NOT NULL DEFAULT now(),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    delivered_at timestamptz
                )
                """,
                "CREATE INDEX deliveries_due ON integrations.deliveries (next_attempt_at) WHERE status IN ('queued', 'sending')",
                "CREATE INDEX deliveries_by_status ON integrations.deliveries (status, created_at)",
            ]
        ),
        Migration(
            version: 2,
            name: "open deliveries by provider and status",
            statements: [
                // Delivered rows only accumulate; the integrations_deliveries gauge counts the rest on every sample.
                "CREATE INDEX deliveries_open_by_provider ON integrations.deliveries (provider, status) WHERE status <> 'delivered'"
            ]
        ),
    ]
}
