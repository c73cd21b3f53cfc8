import LanguageUnderstanding
import ServiceKit

// The library's types that nlu's requests and answers carry, as parts of its HTTP contract.

extension TrainingData: APIModel {}

extension Sentiment.Label: SchemaEnumeration {}

/// An entity's normalised value: a number, a string, a boolean, or an object of these
/// (`{"value": 3}`, `{"from": …, "to": …}`), depending on the dimension.
extension EntityValue: JSONSchemaRepresentable {
    public static var jsonSchema: JSONSchema { .any }
    public static var schemaPlaceholder: EntityValue { .string("") }
}
