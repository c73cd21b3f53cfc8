import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The whole of a service executable's `main`: read settings, set up logging, run until
/// SIGTERM or SIGINT, drain in-flight requests within `SHUTDOWN_TIMEOUT_SECONDS`, exit 0.
public enum ServiceMain {
    public static func run(_ definition: ServiceDefinition) async -> Never {
        let config = Config()
        let settings: ServiceSettings
        do {
            settings = try ServiceSettings(for: definition, config: config)
        } catch {
            fail(definition, error)
        }
        let level = settings.logLevel
        LoggingSystem.bootstrap { _ in JSONLogHandler(service: definition.name, level: level) }
        let logger = Logger(label: definition.name)

        let service: ServiceApplication
        do {
            service = try ServiceApplication(definition: definition, settings: settings, config: config, logger: logger)
        } catch {
            fail(definition, error)
        }
        // Libraries that report through swift-metrics land in the same /metrics output.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: service.environment.metrics.registry))
        logger.info("starting", metadata: settings.summary)

        var configuration = ServiceGroupConfiguration(services: [service.application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = settings.shutdownTimeout
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            logger.critical("stopped with an error", metadata: ["error": "\(error)"])
            exit(1)
        }
        logger.info("stopped")
        exit(0)
    }

    private static func fail(_ definition: ServiceDefinition, _ error: any Error) -> Never {
        FileHandle.standardError.write(Data("\(definition.name): \(error)\n".utf8))
        exit(1)
    }
}
