import Foundation
import PostgresNIO
import ServiceKit

/// Runs and their checkpoints in PostgreSQL, the source of truth of every run.
///
/// A replica drives a run only while it holds the run's lease (`lease_owner`,
/// `lease_expires_at`), renewed as it goes; every write of progress is conditional on
/// holding it, so a replica that lost its lease (it stalled, another took over) cannot write
/// over the new owner's progress. Runs whose lease lapsed are claimed with
/// `FOR UPDATE SKIP LOCKED`, so replicas resume them side by side without collisions.
struct RunStore: Sendable {
    let database: Database

    /// A run as a replica resumes it.
    struct StoredRun: Sendable {
        let id: UUID
        let conversationID: UUID
        let status: RunStatus
        let currentNode: NodeName?
        let steps: Int
        let state: RunState
    }

    static func encode(_ state: RunState) throws -> String {
        String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
    }

    static func decode(_ json: String) throws -> RunState {
        try JSONDecoder().decode(RunState.self, from: Data(json.utf8))
    }

    /// Stores the user's message and a new run for it starting at `entry`, leased to `owner`,
    /// in one transaction; nil when the conversation does not exist.
    func start(
        conversationID: UUID,
        text: String,
        transcript: ASRClient.Transcription? = nil,
        entry: NodeName,
        owner: String,
        lease: Duration
    ) async throws -> (runID: UUID, messageID: UUID, turn: RecentTurns.Turn)? {
        let (runID, messageID) = (UUID(), UUID())
        let state = try Self.encode(RunState(text: text, transcript: transcript))
        let logger = database.logger
        let seq = try await database.transaction { connection -> Int64? in
            let touched = try await connection.query(
                "UPDATE agent.conversations SET updated_at = now() WHERE id = \(conversationID) RETURNING id",
                logger: logger
            )
            var found = false
            for try await _ in touched { found = true }
            guard found else { return nil }
            let inserted = try await connection.query(
                "INSERT INTO agent.messages (id, conversation_id, role, text, run_id) VALUES (\(messageID), \(conversationID), 'user', \(text), \(runID)) RETURNING seq",
                logger: logger
            )
            var seq: Int64?
            for try await row in inserted { seq = try row.decode(Int64.self) }
            try await connection.query(
                """
                INSERT INTO agent.runs (id, conversation_id, message_id, status, current_node, state, lease_owner, lease_expires_at)
                VALUES (\(runID), \(conversationID), \(messageID), 'running', \(entry.rawValue), \(state)::jsonb, \(owner), now() + make_interval(secs => \(lease.seconds)))
                """,
                logger: logger
            )
            return seq
        }
        guard let seq else { return nil }
        return (runID, messageID, RecentTurns.Turn(seq: seq, role: "user", text: text, runID: runID.lowercased))
    }

    func load(_ id: UUID) async throws -> StoredRun? {
        let rows = try await database.query("SELECT conversation_id, status, current_node, steps, state::text FROM agent.runs WHERE id = \(id)")
        guard let row = rows.first else { return nil }
        let (conversationID, status, node, steps, state) = try row.decode((UUID, String, String?, Int, String).self)
        return StoredRun(
            id: id,
            conversationID: conversationID,
            status: RunStatus(rawValue: status) ?? .failed,
            currentNode: node.flatMap(NodeName.init(rawValue:)),
            steps: steps,
            state: try Self.decode(state)
        )
    }

    /// One finished step: the checkpoint row and the run's new state, node, status and
    /// lease, written together, and only while `owner` holds the run (else ``RunNotOwned``).
    struct Checkpoint: Sendable {
        let step: Int
        let node: NodeName
        let next: NodeName?
        let state: RunState
        let status: RunStatus
        let duration: Duration
        let degraded: String?
    }

    func checkpoint(_ runID: UUID, owner: String, lease: Duration, _ checkpoint: Checkpoint) async throws {
        let state = try Self.encode(checkpoint.state)
        let (logger, status, next, node) = (database.logger, checkpoint.status.rawValue, checkpoint.next?.rawValue, checkpoint.node.rawValue)
        // A run that stops driving (paused or finished) gives its lease up at once.
        let keepsLease = checkpoint.status == .running
        let milliseconds = Int(checkpoint.duration.seconds * 1000)
        let owned = try await database.transaction { connection -> Bool in
            let updated = try await connection.query(
                """
                UPDATE agent.runs
                SET state = \(state)::jsonb, current_node = \(next), status = \(status), steps = \(checkpoint.step), updated_at = now(),
                    lease_owner = CASE WHEN \(keepsLease) THEN lease_owner END,
                    lease_expires_at = CASE WHEN \(keepsLease) THEN now() + make_interval(secs => \(lease.seconds)) END
                WHERE id = \(runID) AND status = 'running' AND lease_owner = \(owner) AND steps = \(checkpoint.step - 1)
                RETURNING id
                """,
                logger: logger
            )
            var found = false
            for try await _ in updated { found = true }
            guard found else { return false }
            try await connection.query(
                """
                INSERT INTO agent.checkpoints (run_id, step, node, next_node, state, duration_ms, degraded, reason)
                VALUES (\(runID), \(checkpoint.step), \(node), \(next), \(state)::jsonb, \(milliseconds), \(checkpoint.degraded != nil), \(checkpoint.degraded))
                """,
                logger: logger
            )
            return true
        }
        guard owned else { throw RunNotOwned() }
    }

    /// Extends `owner`'s lease; false when it no longer holds the run.
    func renew(_ runID: UUID, owner: String, lease: Duration) async throws -> Bool {
        try await !database.query(
            "UPDATE agent.runs SET lease_expires_at = now() + make_interval(secs => \(lease.seconds)) WHERE id = \(runID) AND status = 'running' AND lease_owner = \(owner) RETURNING id"
        ).isEmpty
    }

    func isRunning(_ runID: UUID, owner: String) async throws -> Bool {
        try await !database.query("SELECT 1 FROM agent.runs WHERE id = \(runID) AND status = 'running' AND lease_owner = \(owner)").isEmpty
    }

    /// Takes over the running run whose lease lapsed longest ago (its replica died), if any.
    func claimExpired(owner: String, lease: Duration) async throws -> UUID? {
        let rows = try await database.query(
            """
            WITH lapsed AS (
                SELECT id FROM agent.runs
                WHERE status = 'running' AND lease_expires_at < now()
                ORDER BY lease_expires_at LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            UPDATE agent.runs r SET lease_owner = \(owner), lease_expires_at = now() + make_interval(secs => \(lease.seconds)), updated_at = now()
            FROM lapsed WHERE r.id = lapsed.id
            RETURNING r.id
            """
        )
        return try rows.first?.decode(UUID.self)
    }

    /// Ends a run this replica drives as failed; false when it no longer held it.
    @discardableResult
    func fail(_ runID: UUID, owner: String, error: String) async throws -> Bool {
        try await !database.query(
            "UPDATE agent.runs SET status = 'failed', error = \(String(error.prefix(1000))), lease_owner = NULL, lease_expires_at = NULL, updated_at = now() WHERE id = \(runID) AND status = 'running' AND lease_owner = \(owner) RETURNING id"
        ).isEmpty
    }

    /// What a decision on a run (approve, reject, cancel) found.
    enum DecisionOutcome: Sendable {
        /// Applied; the run belongs to the conversation given.
        case applied(conversationID: UUID)
        case notFound
        /// The run is not in a state that takes the decision.
        case conflict(RunStatus)
    }

    /// Records a person's decision on a run awaiting approval (with their edits of the action)
    /// and leases it to `owner` to carry on, in one transaction.
    func decide(
        _ runID: UUID,
        _ approval: Approval,
        target: String?,
        message: String?,
        owner: String,
        lease: Duration
    ) async throws -> DecisionOutcome {
        let logger = database.logger
        return try await database.transaction { connection -> DecisionOutcome in
            let rows = try await connection.query(
                "SELECT conversation_id, status, state::text FROM agent.runs WHERE id = \(runID) FOR UPDATE",
                logger: logger
            )
            var found: (UUID, String, String)?
            for try await row in rows { found = try row.decode((UUID, String, String).self) }
            guard let (conversationID, statusText, stateJSON) = found else { return .notFound }
            let status = RunStatus(rawValue: statusText) ?? .failed
            guard status == .awaitingApproval else { return .conflict(status) }
            var state = try Self.decode(stateJSON)
            state.approval = approval
            if approval == .approved {
                if let target { state.action?.target = target }
                if let message { state.action?.message = message }
            }
            let encoded = try Self.encode(state)
            try await connection.query(
                """
                UPDATE agent.runs SET state = \(encoded)::jsonb, status = 'running', lease_owner = \(owner),
                    lease_expires_at = now() + make_interval(secs => \(lease.seconds)), updated_at = now()
                WHERE id = \(runID)
                """,
                logger: logger
            )
            return .applied(conversationID: conversationID)
        }
    }

    /// Cancels a run that is running or awaiting approval.
    func cancel(_ runID: UUID) async throws -> DecisionOutcome {
        let rows = try await database.query(
            """
            UPDATE agent.runs SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = \(runID) AND status IN ('running', 'awaiting_approval')
            RETURNING conversation_id
            """
        )
        if let row = rows.first { return .applied(conversationID: try row.decode(UUID.self)) }
        guard let run = try await load(runID) else { return .notFound }
        return .conflict(run.status)
    }

    func view(_ runID: UUID) async throws -> RunView? {
        let rows = try await database.query(
            "SELECT conversation_id, message_id, status, current_node, state::text, error, created_at, updated_at FROM agent.runs WHERE id = \(runID)"
        )
        guard let row = rows.first else { return nil }
        let (conversationID, messageID, status, node, stateJSON, error, created, updated) = try row.decode(
            (UUID, UUID, String, String?, String, String?, Date, Date).self
        )
        let state = try Self.decode(stateJSON)
        let steps = try await database.query(
            "SELECT step, node, next_node, duration_ms, degraded, reason, created_at FROM agent.checkpoints WHERE run_id = \(runID) ORDER BY step"
        ).map { row in
            let (step, node, next, milliseconds, degraded, reason, at) = try row.decode((Int, String, String?, Int, Bool, String?, Date).self)
            return RunView.Step(
                step: step,
                node: node,
                next: next,
                durationMilliseconds: milliseconds,
                degraded: degraded,
                reason: reason,
                finishedAt: at
            )
        }
        return RunView(
            id: runID.lowercased,
            conversationID: conversationID.lowercased,
            messageID: messageID.lowercased,
            status: status,
            currentNode: node,
            intent: state.intent,
            action: state.action,
            approval: state.approval,
            actionResult: state.actionResult,
            reply: state.reply,
            degraded: !state.degraded.isEmpty,
            error: error,
            steps: steps,
            createdAt: created,
            updatedAt: updated
        )
    }
}
