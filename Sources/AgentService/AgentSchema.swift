import ServiceKit

/// The `agent` schema: conversations and their messages, runs (one per user turn) and the
/// checkpoints each run writes after every node.
enum AgentSchema {
    static let migrations = [
        Migration(
            version: 1,
            name: "conversations, messages, runs and checkpoints",
            statements: [
                """
                CREATE TABLE agent.conversations (
                    id uuid PRIMARY KEY,
                    seq bigserial UNIQUE,
                    title text,
                    metadata jsonb NOT NULL DEFAULT '{}',
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE agent.messages (
                    id uuid PRIMARY KEY,
                    seq bigserial UNIQUE,
                    conversation_id uuid NOT NULL REFERENCES agent.conversations (id) ON DELETE CASCADE,
                    role text NOT NULL CHECK (role IN ('user', 'assistant')),
                    text text NOT NULL,
                    run_id uuid,
                    citations jsonb NOT NULL DEFAULT '[]',
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX messages_by_conversation ON agent.messages (conversation_id, seq)",
                // A run answers once, however often its last node runs (a replica resuming it).
                "CREATE UNIQUE INDEX messages_one_answer_per_run ON agent.messages (run_id) WHERE role = 'assistant'",
                """
                CREATE TABLE agent.runs (
                    id uuid PRIMARY KEY,
                    conversation_id uuid NOT NULL REFERENCES agent.conversations (id) ON DELETE CASCADE,
                    message_id uuid NOT NULL,
                    status text NOT NULL CHECK (status IN ('running', 'awaiting_approval', 'completed', 'failed', 'cancelled')),
                    current_node text,
                    steps integer NOT NULL DEFAULT 0,
                    state jsonb NOT NULL,
                    error text,
                    lease_owner text,
                    lease_expires_at timestamptz,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX runs_resumable ON agent.runs (lease_expires_at) WHERE status = 'running'",
                """
                CREATE TABLE agent.checkpoints (
                    run_id uuid NOT NULL REFERENCES agent.runs (id) ON DELETE CASCADE,
                    step integer NOT NULL,
                    node text NOT NULL,
                    next_node text,
                    state jsonb NOT NULL,
                    duration_ms integer NOT NULL,
                    degraded boolean NOT NULL DEFAULT false,
                    reason text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (run_id, step)
                )
                """,
            ]
        )
    ]
}
