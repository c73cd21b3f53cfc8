import Foundation
import LanguageUnderstanding
import Logging
import ServiceKit
import ServiceLifecycle

/// The model `assistant`, trained at a replica's first start when none is stored, from the
/// example files in `DefaultModel/` (one file an intent, one example a line). When the newest
/// stored version was trained over another embedder's vectors (the embedder was upgraded),
/// it is trained again from its own examples: parses that name no model need one this
/// replica can serve.
struct DefaultModel: Service {
    static let name = ParseOptions.defaultModel

    let trainer: ModelTrainer
    let database: Database
    let logger: Logger

    /// The examples shipped with the service.
    static func trainingData() throws -> TrainingData {
        guard let folder = Bundle.module.url(forResource: "DefaultModel", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "DefaultModel"])
        }
        var intents: [String: [String]] = [:]
        for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) where file.pathExtension == "txt" {
            let examples = try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            intents[file.deletingPathExtension().lastPathComponent] = examples
        }
        return TrainingData(intents: intents)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.trainIfMissing() }
        // A service that returns ends the whole group: hold until shutdown.
        try? await gracefulShutdown()
    }

    private func trainIfMissing() async {
        let backoff = Backoff(base: .milliseconds(500), cap: .seconds(10))
        var attempt = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                guard database.isMigrated else {
                    try await Task.sleep(for: .milliseconds(200))
                    continue
                }
                if let stored = try await trainer.store.model(Self.name) {
                    if stored.embedder != trainer.embedder.modelName {
                        logger.info("default model trained over another embedder; training it again", metadata: ["embedder": "\(stored.embedder)"])
                        _ = try await trainer.train(name: Self.name, data: stored.data)
                    }
                } else {
                    _ = try await trainer.train(name: Self.name, data: try Self.trainingData())
                }
                return
            } catch {
                if Task.isCancelled { return }
                if attempt == 0 { logger.warning("default model not trained yet; retrying", metadata: ["error": "\(String(reflecting: error))"]) }
                try? await Task.sleep(for: backoff.delay(attempt: attempt))
                attempt += 1
            }
        }
    }
}
