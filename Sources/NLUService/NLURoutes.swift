import Foundation
import HTTPTypes
import Hummingbird
import LanguageUnderstanding
import ServiceKit

/// nlu's endpoints: parse one text or a batch; train, list, read and delete models.
enum NLURoutes {
    /// `PUT /v1/models/{name}`'s answer.
    struct TrainingResponse: APIModel {
        let name: String
        let version: Int
        let intents: [String]
        let trainingSeconds: Double
        let crossValidation: ClassificationScores

        enum CodingKeys: String, CodingKey {
            case name, version, intents
            case trainingSeconds = "training_seconds"
            case crossValidation = "cross_validation"
        }
    }

    struct ModelList: APIModel {
        let models: [ModelStore.Summary]
    }

    /// A model's name in its URL, as training data names models.
    static let modelNameSchema: JSONSchema = {
        var schema = JSONSchema.pattern(TrainingData.namePattern)
        schema.description = "1 to 64 letters, digits, '_', '.' or '-'."
        return schema
    }()

    static func add(to routes: ServiceRoutes, parser: TextParser, trainer: ModelTrainer?, maxCharacters: Int) {
        let environment = routes.environment
        @Sendable func requireStore() throws -> ModelStore {
            ModelStore(database: try environment.requireDatabase())
        }
        @Sendable func modelName(_ context: ServiceRequestContext) throws -> String {
            let name = context.parameters.get("name") ?? ""
            guard name.range(of: TrainingData.namePattern, options: .regularExpression) != nil else {
                throw ValidationError(field: "name", message: "must be 1 to 64 letters, digits, '_', '.' or '-'")
            }
            return name
        }

        routes.post(
            "/v1/parse",
            summary: "Intent with ranking, entities with offsets and normalised values, and sentiment of {text, reference_time?, timezone?, model?}.",
            body: .json(ParseRequest.self),
            responses: [
                .ok: .json(ParseResult.self, "The parse."),
                .unprocessableContent: "Empty or too long text, bad reference_time, timezone or model.",
                .serviceUnavailable: "The model is not loaded yet.",
            ]
        ) { request, context in
            let body = try await request.decodeJSON(as: ParseRequest.self, context: context)
            let options = try ParseOptions(referenceTime: body.referenceTime, timezone: body.timezone, model: body.model)
            if let problem = ParseOptions.problem(with: body.text, field: "text", maxCharacters: maxCharacters) {
                throw ValidationError(fields: [problem], detail: "\(problem.field): \(problem.message)")
            }
            return JSONResponse(try await parser.parse([body.text], options: options)[0])
        }
        routes.post(
            "/v1/parse/batch",
            summary: "Parses up to 100 {texts} sharing reference_time, timezone and model, with one embedder call.",
            body: .json(BatchParseRequest.self),
            responses: [
                .ok: .json(BatchParseResult.self, "One result per text, in the order of texts."),
                .unprocessableContent: "No texts, more than 100, or a text that is empty or too long (texts[i]).",
                .serviceUnavailable: "The model is not loaded yet.",
            ]
        ) { request, context in
            let body = try await request.decodeJSON(as: BatchParseRequest.self, context: context)
            let options = try ParseOptions(referenceTime: body.referenceTime, timezone: body.timezone, model: body.model)
            let problems = body.texts.enumerated().compactMap { ParseOptions.problem(with: $1, field: "texts[\($0)]", maxCharacters: maxCharacters) }
            guard problems.isEmpty else {
                throw ValidationError(fields: problems, detail: problems.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
            }
            return JSONResponse(BatchParseResult(results: try await parser.parse(body.texts, options: options)))
        }
        routes.on(
            .put,
            "/v1/models/{name}",
            parameters: ["name": Self.modelNameSchema],
            summary: "Trains a new version of a model from {intents: {name: [examples]}, entities?: {lookups?, regexes?}}.",
            body: .json(TrainingData.self),
            responses: [
                .created: .json(TrainingResponse.self, "Trained and stored as the model's newest version.").header("Location", "The model's URL."),
                .unprocessableContent: "Training data problems, each named.",
                .serviceUnavailable: "The database is not configured or not migrated yet.",
            ]
        ) { request, context in
            let name = try modelName(context)
            let data = try await request.decodeJSON(as: TrainingData.self, context: context)
            let problems = data.problems(maxExampleCharacters: maxCharacters)
            guard problems.isEmpty else {
                throw ValidationError(
                    fields: problems.map { FieldError(field: $0.field, message: $0.message) },
                    detail: "The training data has \(problems.count) problem(s)."
                )
            }
            _ = try requireStore()
            guard let trainer else { throw HTTPError(.serviceUnavailable, message: "The database is not configured.") }
            let summary = try await trainer.train(name: name, data: data)
            return JSONResponse(
                TrainingResponse(
                    name: name,
                    version: summary.version,
                    intents: summary.intents,
                    trainingSeconds: summary.trainingSeconds,
                    crossValidation: summary.crossValidation
                ),
                status: .created,
                headers: [.location: "/v1/models/\(name)"]
            )
        }
        routes.get("/v1/models", summary: "The newest version of every model.", responses: [.ok: .json(ModelList.self, "The models.")]) { _, _ in
            JSONResponse(ModelList(models: try await requireStore().summaries()))
        }
        routes.get(
            "/v1/models/{name}",
            parameters: ["name": Self.modelNameSchema],
            summary: "A model's newest version with its training data.",
            responses: [.ok: .json(ModelStore.Summary.self, "The model with its training data."), .notFound: "No such model."]
        ) { _, context in
            let name = try modelName(context)
            let store = try requireStore()
            guard var summary = try await store.summary(name), let stored = try await store.model(name) else {
                throw HTTPError(.notFound, message: "No such model.")
            }
            summary.trainingData = stored.data
            return JSONResponse(summary)
        }
        routes.on(
            .delete,
            "/v1/models/{name}",
            parameters: ["name": Self.modelNameSchema],
            summary: "Deletes every version of a model; replicas stop serving it.",
            responses: [
                .noContent: "Deleted.", .notFound: "No such model.",
                .conflict: "The default model, used by every parse that names none: replace it with PUT instead.",
            ]
        ) { _, context in
            let name = try modelName(context)
            guard name != DefaultModel.name else {
                throw HTTPError(
                    .conflict,
                    message: "\(name) is the default model, used by every parse that names none: replace it with PUT /v1/models/\(name) instead."
                )
            }
            guard try await requireStore().delete(name) else { throw HTTPError(.notFound, message: "No such model.") }
            try await parser.registry.reload(name)
            await ModelReloader.announce(name, on: environment.redis, logger: environment.logger)
            return Response(status: .noContent)
        }
    }
}
