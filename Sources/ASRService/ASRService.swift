import ServiceKit

/// Speech recognition: turns uploaded or queued audio into transcripts.
public enum ASRService {
    public static let definition = ServiceDefinition(
        name: "asr",
        defaultPort: 8002,
        defaultRequestTimeoutSeconds: 20
    )
}
