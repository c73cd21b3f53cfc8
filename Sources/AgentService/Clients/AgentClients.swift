import ServiceKit
import ServiceKitHTTPClient

/// The services the agent calls, each through a resilience policy of its own (`nlu`, `rag`,
/// `ingestion`, `integrations` from the graph, `asr` for voice turns: `TIMEOUT_<NAME>_SECONDS`
/// and the shared `RETRY_*`, `CB_*` settings), with the service API key.
struct AgentClients: Sendable {
    let nlu: NLUClient
    let rag: RAGClient
    let ingestion: IngestionClient
    let integrations: IntegrationsClient
    let asr: ASRClient

    init(settings: AgentSettings, environment: ServiceEnvironment) throws {
        let apiKey = environment.settings.serviceAPIKey
        func client(_ name: String, _ baseURL: String) throws -> ServiceClient {
            let policy = ResiliencePolicy(
                provider: name,
                settings: try ResilienceSettings(provider: name, config: environment.config),
                metrics: environment.metrics
            )
            return ServiceClient(baseURL: baseURL, apiKey: apiKey, policy: policy)
        }
        nlu = NLUClient(service: try client("nlu", settings.nluURL))
        rag = RAGClient(service: try client("rag", settings.ragURL))
        ingestion = IngestionClient(service: try client("ingestion", settings.ingestionURL))
        integrations = IntegrationsClient(service: try client("integrations", settings.integrationsURL))
        asr = ASRClient(service: try client("asr", settings.asrURL))
    }
}
