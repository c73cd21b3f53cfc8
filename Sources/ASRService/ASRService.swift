import ServiceKit
import ServiceKitHTTPClient
import SpeechRecognition

/// Speech recognition: turns uploaded or queued audio into transcripts with Whisper through
/// whisper.cpp, in this process and offline.
public enum ASRService {
    /// The job stream ingestion fills with uploaded audio.
    static let jobStream = "jobs:asr"

    public static let definition = ServiceDefinition(
        name: "asr",
        defaultPort: 8002,
        defaultRequestTimeoutSeconds: 120,
        migrations: ASRSchema.migrations,
        addRoutes: { routes in
            let environment = routes.environment
            let config = environment.config
            let settings = try ASRSettings(config: config)
            let model: WhisperModel
            do throws(WhisperModelError) {
                model = try WhisperModel(path: settings.modelPath)
            } catch {
                throw ConfigError(name: "ASR_MODEL", reason: error.description)
            }
            let transcriber = try Transcriber(model: model, configuration: settings.transcriber)
            let speech = try SpeechToText(
                transcriber: transcriber,
                provider: settings.provider,
                client: try OpenAIClient.make(config: config, metrics: environment.metrics),
                metrics: ASRMetrics(metrics: environment.metrics)
            )
            TranscriptionRoutes.add(to: routes, speech: speech, settings: settings)
            OpenAITranscriptionRoutes.add(to: routes, speech: speech, settings: settings)
            // Live streams are transcribed here: a provider's round trip per partial would lag the speaker.
            StreamRoutes.add(to: routes, transcriber: transcriber, settings: settings)
            if let database = environment.database, let redis = environment.redis {
                let job = TranscriptionJob(
                    items: IngestionItems(
                        baseURL: settings.ingestionURL,
                        apiKey: environment.settings.serviceAPIKey,
                        http: OutboundHTTP(bodyLimit: settings.maxAudioBytes),
                        policy: ResiliencePolicy(
                            provider: "ingestion",
                            settings: try ResilienceSettings(provider: "ingestion", config: config),
                            metrics: environment.metrics
                        )
                    ),
                    store: TranscriptStore(database: database),
                    speech: speech,
                    logger: environment.logger
                )
                let worker = try JobWorker.Configuration(stream: jobStream, group: "asr", config: config)
                routes.runInBackground(JobWorker(configuration: worker, redis: redis, logger: environment.logger, handler: job.handle))
            }
        }
    )
}
