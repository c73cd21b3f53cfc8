import ServiceKit

/// Language understanding: intent with ranking, entities with offsets, sentiment, language.
public enum NLUService {
    public static let definition = ServiceDefinition(
        name: "nlu",
        defaultPort: 8003
    )
}
