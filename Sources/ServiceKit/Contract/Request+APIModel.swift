import Foundation
import Hummingbird

extension Request {
    /// Decodes a JSON body of an ``APIModel`` within the route's body limit, after checking it
    /// against the model's schema: every field that breaks a rule is named in one 422.
    public func decodeJSON<Model: APIModel>(as type: Model.Type, context: ServiceRequestContext) async throws -> Model {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return try decodeJSON(as: type, bodyBytes: Array(buffer.readableBytesView))
    }

    /// The same for a body already read.
    public func decodeJSON<Model: APIModel>(as type: Model.Type, bodyBytes: [UInt8]) throws -> Model {
        let data = Data(bodyBytes)
        let value: AnyJSON
        do {
            value = try JSONDecoder().decode(AnyJSON.self, from: data)
        } catch {
            throw ValidationError(field: "body", message: "is not valid JSON")
        }
        let entry = SchemaCatalog.entry(of: type)
        let problems = entry.validator.problems(in: value, against: entry.schema)
        if let only = problems.first, problems.count == 1 { throw ValidationError(field: only.field, message: only.message) }
        guard problems.isEmpty else { throw ValidationError(fields: problems) }
        do {
            return try JSONDecoder().decode(Model.self, from: data)
        } catch let error as DecodingError {
            throw ValidationError(decoding: error)
        }
    }
}
