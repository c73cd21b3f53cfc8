import Logging
import ServiceKit
import Synchronization

/// The models this replica serves, swapped whole when a new version arrives, so a parse
/// reads one consistent version and never waits for a training or a reload.
final class ModelRegistry: Sendable {
    /// Redis channel on which a replica announces that a model's newest version changed.
    static let channel = "nlu:models"

    private let models = Mutex<[String: ServedModel]>([:])
    let store: ModelStore?
    let embedderName: String
    let logger: Logger

    init(store: ModelStore?, embedderName: String, logger: Logger) {
        self.store = store
        self.embedderName = embedderName
        self.logger = logger
    }

    func model(_ name: String) -> ServedModel? {
        models.withLock { $0[name] }
    }

    func serve(_ model: ServedModel) {
        models.withLock { served in
            // A reload that raced a newer local training must not roll it back.
            if let current = served[model.name], current.version > model.version { return }
            served[model.name] = model
        }
    }

    /// Loads the newest stored version of `name`, or stops serving it when there is none.
    /// A model trained over another embedder's vectors cannot be served and is skipped.
    func reload(_ name: String) async throws {
        guard let store else { return }
        guard let stored = try await store.model(name) else {
            models.withLock { _ = $0.removeValue(forKey: name) }
            return
        }
        guard stored.embedder == embedderName else {
            logger.warning("model trained with another embedder; retrain it", metadata: ["model": "\(name)", "embedder": "\(stored.embedder)"])
            return
        }
        let model = ServedModel(stored)
        models.withLock { $0[name] = model }
    }

    /// Loads every stored model and drops those no longer stored.
    func reloadAll() async throws {
        guard let store else { return }
        let names = Set(try await store.summaries().map(\.name))
        for name in names { try await reload(name) }
        models.withLock { served in served = served.filter { names.contains($0.key) } }
    }
}
