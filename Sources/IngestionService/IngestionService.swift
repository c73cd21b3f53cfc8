import ServiceKit

/// Ingestion: the front door of the pipeline. It stores what arrives (documents, audio, events)
/// and queues the work for asr and rag.
public enum IngestionService {
    public static let definition = ServiceDefinition(
        name: "ingestion",
        defaultPort: 8001
    )
}
