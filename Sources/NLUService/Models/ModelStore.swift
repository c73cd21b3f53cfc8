import Foundation
import LanguageUnderstanding
import PostgresNIO
import ServiceKit

/// Intent models in PostgreSQL, the source of truth every replica loads from.
struct ModelStore: Sendable {
    let database: Database

    /// What is known about one stored version without its weights.
    struct Summary: APIModel {
        let name: String
        let version: Int
        let intents: [String]
        let embedder: String
        let crossValidation: ClassificationScores
        let trainingSeconds: Double
        let createdAt: Date
        /// Only when one model is read.
        var trainingData: TrainingData?

        enum CodingKeys: String, CodingKey {
            case name, version, intents, embedder
            case trainingData = "training_data"
            case crossValidation = "cross_validation"
            case trainingSeconds = "training_seconds"
            case createdAt = "created_at"
        }

        static var schemaName: String { "ModelSummary" }
    }

    /// Stores a trained model as the next version of `name`, numbered under a per-name lock so
    /// that concurrent trainings of one name get distinct versions.
    func insert(
        name: String,
        data: TrainingData,
        classifier: IntentClassifier,
        embedder: String,
        scores: ClassificationScores,
        trainingSeconds: Double
    ) async throws -> Summary {
        let encoder = JSONEncoder()
        let dataJSON = String(decoding: try encoder.encode(data), as: UTF8.self)
        let classifierJSON = String(decoding: try encoder.encode(classifier), as: UTF8.self)
        let intents = classifier.intents
        return try await database.transaction { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtext('nlu.model_versions'), hashtext(\(name)))", logger: database.logger)
            let rows = try await connection.query(
                """
                INSERT INTO nlu.model_versions (name, version, training_data, classifier, embedder, intents, accuracy, macro_f1, training_seconds)
                SELECT \(name), COALESCE(max(version), 0) + 1, \(dataJSON)::jsonb, \(classifierJSON)::jsonb, \(embedder), \(intents),
                       \(scores.accuracy), \(scores.macroF1), \(trainingSeconds)
                FROM nlu.model_versions WHERE name = \(name)
                RETURNING version, created_at
                """,
                logger: database.logger
            )
            var version = 0
            var createdAt = Date()
            for try await (rowVersion, rowCreatedAt) in rows.decode((Int, Date).self) { (version, createdAt) = (rowVersion, rowCreatedAt) }
            return Summary(
                name: name,
                version: version,
                intents: intents,
                embedder: embedder,
                crossValidation: scores,
                trainingSeconds: trainingSeconds,
                createdAt: createdAt
            )
        }
    }

    /// The newest version of every model.
    func summaries() async throws -> [Summary] {
        try await database.query(
            """
            SELECT DISTINCT ON (name) name, version, intents, embedder, accuracy, macro_f1, training_seconds, created_at
            FROM nlu.model_versions ORDER BY name, version DESC
            """
        ).map(Self.summary)
    }

    func summary(_ name: String) async throws -> Summary? {
        try await database.query(
            """
            SELECT name, version, intents, embedder, accuracy, macro_f1, training_seconds, created_at
            FROM nlu.model_versions WHERE name = \(name) ORDER BY version DESC LIMIT 1
            """
        ).map(Self.summary).first
    }

    private static func summary(_ row: PostgresRow) throws -> Summary {
        let (name, version, intents, embedder, accuracy, macroF1, seconds, createdAt) = try row.decode(
            (String, Int, [String], String, Double, Double, Double, Date).self
        )
        return Summary(
            name: name,
            version: version,
            intents: intents,
            embedder: embedder,
            crossValidation: ClassificationScores(accuracy: accuracy, macroF1: macroF1),
            trainingSeconds: seconds,
            createdAt: createdAt
        )
    }

    /// The newest version of `name` with its training data and weights.
    func model(_ name: String) async throws -> StoredModel? {
        let rows = try await database.query(
            "SELECT version, training_data::text, classifier::text, embedder FROM nlu.model_versions WHERE name = \(name) ORDER BY version DESC LIMIT 1"
        )
        guard let row = rows.first else { return nil }
        let (version, dataJSON, classifierJSON, embedder) = try row.decode((Int, String, String, String).self)
        let decoder = JSONDecoder()
        return StoredModel(
            name: name,
            version: version,
            embedder: embedder,
            data: try decoder.decode(TrainingData.self, from: Data(dataJSON.utf8)),
            classifier: try decoder.decode(IntentClassifier.self, from: Data(classifierJSON.utf8))
        )
    }

    /// Deletes every version of `name`; false when there was none.
    func delete(_ name: String) async throws -> Bool {
        !(try await database.query("DELETE FROM nlu.model_versions WHERE name = \(name) RETURNING version")).isEmpty
    }
}

/// One model version as stored: enough to serve parses.
struct StoredModel: Sendable {
    let name: String
    let version: Int
    let embedder: String
    let data: TrainingData
    let classifier: IntentClassifier
}
