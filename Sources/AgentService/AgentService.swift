import ServiceKit

/// The conversational agent: routes each message to nlu, rag and integrations, streaming replies.
public enum AgentService {
    public static let definition = ServiceDefinition(
        name: "agent",
        defaultPort: 8005,
    )
}
