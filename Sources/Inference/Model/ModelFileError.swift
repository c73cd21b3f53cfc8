/// A model file that is missing or not what the model needs, named with the command that
/// fetches it, so a service that cannot load its model says how to fix that at start-up.
public struct ModelFileError: Error, Sendable, CustomStringConvertible {
    /// The file (or folder) concerned.
    public let path: String
    /// What is wrong with it.
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        "model file \(path) \(problem); run ops/models to fetch and verify the model files (MODELS_DIR selects their folder)"
    }
}
