import Foundation
import ServiceKit

/// agent's own settings, read once at start-up; a bad value stops it, naming the variable.
struct AgentSettings: Sendable {
    /// Base URLs of the services the agent calls (`NLU_URL`, `RAG_URL`, `INTEGRATIONS_URL`,
    /// `INGESTION_URL`, and `ASR_URL` for voice turns).
    let nluURL: String
    let ragURL: String
    let integrationsURL: String
    let ingestionURL: String
    let asrURL: String
    /// The largest voice turn's audio (`MAX_AUDIO_BYTES`), as asr takes it.
    let maxAudioBytes: Int
    /// How long a replica owns a run it drives without renewing (`AGENT_RUN_LEASE_SECONDS`);
    /// a run whose lease lapsed (its replica died) is resumed by another from its checkpoint.
    let runLease: Duration
    /// How long a finished run's event stream stays readable (`AGENT_EVENTS_TTL_SECONDS`).
    let eventsRetention: Duration
    /// Open event streams one replica serves at most (`AGENT_SSE_MAX_STREAMS`).
    let maxStreams: Int
    /// The longest one event stream stays open (`AGENT_SSE_MAX_SECONDS`); clients resume with `Last-Event-ID`.
    let maxStreamLifetime: Duration
    /// Silence after which a stream sends a heartbeat comment (`SSE_HEARTBEAT_SECONDS`).
    let heartbeat: Duration
    /// The longest turn, in Unicode scalars (`AGENT_MAX_CHARS`).
    let maxCharacters: Int
    /// The Slack channel `notify_team` posts to when the text names none (`AGENT_NOTIFY_CHANNEL`).
    let notifyChannel: String
    /// The webhook `create_ticket` posts to (`AGENT_TICKET_WEBHOOK_URL`); without it tickets are not offered.
    let ticketWebhookURL: String?
    /// How long `act` follows a delivery before reporting it as still queued (`AGENT_ACTION_WAIT_SECONDS`).
    let actionWait: Duration
    /// Who plans a turn (`AGENT_MODE`): the rule graph, or an OpenAI-compatible model by function calling.
    let mode: AgentMode
    /// How long a conversation's recent turns stay cached in Redis after their last use (`AGENT_STATE_TTL_SECONDS`).
    let stateTTL: Duration

    init(config: Config) throws {
        func url(_ name: String, default defaultValue: String) throws -> String {
            let text = try config.string(name, default: defaultValue).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme), url.host != nil else {
                throw ConfigError(name: name, reason: "expected an http(s) URL")
            }
            return text
        }
        nluURL = try url("NLU_URL", default: "http://127.0.0.1:8003")
        ragURL = try url("RAG_URL", default: "http://127.0.0.1:8004")
        integrationsURL = try url("INTEGRATIONS_URL", default: "http://127.0.0.1:8006")
        ingestionURL = try url("INGESTION_URL", default: "http://127.0.0.1:8001")
        asrURL = try url("ASR_URL", default: "http://127.0.0.1:8002")
        maxAudioBytes = try config.int("MAX_AUDIO_BYTES", default: 25 << 20, range: 1...Int(Int32.max))
        runLease = try config.seconds("AGENT_RUN_LEASE_SECONDS", default: 30)
        eventsRetention = try config.seconds("AGENT_EVENTS_TTL_SECONDS", default: 3600)
        maxStreams = try config.int("AGENT_SSE_MAX_STREAMS", default: 1000, range: 1...100_000)
        maxStreamLifetime = try config.seconds("AGENT_SSE_MAX_SECONDS", default: 900)
        heartbeat = try config.seconds("SSE_HEARTBEAT_SECONDS", default: 15)
        maxCharacters = try config.int("AGENT_MAX_CHARS", default: 4000, range: 1...100_000)
        notifyChannel = try config.string("AGENT_NOTIFY_CHANNEL", default: "general")
        ticketWebhookURL = try config.string("AGENT_TICKET_WEBHOOK_URL")
        actionWait = try config.seconds("AGENT_ACTION_WAIT_SECONDS", default: 30)
        let modeName = try config.string("AGENT_MODE", default: AgentMode.rules.rawValue)
        guard let mode = AgentMode(rawValue: modeName) else {
            throw ConfigError(name: "AGENT_MODE", reason: "must be one of \(AgentMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.mode = mode
        stateTTL = try config.seconds("AGENT_STATE_TTL_SECONDS", default: 900)
    }
}
