import Foundation
import Hummingbird
import TestSupport
import Testing

@testable import ServiceKit

/// The contract's parts: schemas derived from Codable types, request bodies checked against
/// them, the `date-time` format, and the document and answers a service gives from them.
@Suite struct ContractSchemaTests {
    enum Colour: String, Codable, SchemaEnumeration { case red, green }

    struct Line: APIModel {
        let sku: String
        let quantity: Int

        static var fieldConstraints: [String: FieldConstraint] { ["quantity": .range(1...99)] }
    }

    struct Order: APIModel {
        let id: UUID
        let placedAt: Date
        let note: String?
        let colour: Colour
        let lines: [Line]
        let tags: [String: Int]
        let extra: AnyJSON?

        enum CodingKeys: String, CodingKey {
            case id, note, colour, lines, tags, extra
            case placedAt = "placed_at"
        }

        static var fieldConstraints: [String: FieldConstraint] {
            ["note": .length(1...10), "lines": .items(1...3), "extra": .kind(.object)]
        }
    }

    static func json(_ schema: JSONSchema) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(schema)) as? [String: Any])
    }

    @Test func aSchemaIsDerivedFromTheTypesOwnCoding() throws {
        let entry = SchemaCatalog.entry(of: Order.self)
        #expect(entry.schema.reference == "Order")
        let order = try Self.json(try #require(entry.definitions["Order"]))
        #expect(Set(order["required"] as? [String] ?? []) == ["id", "placed_at", "colour", "lines", "tags"])
        let properties = try #require(order["properties"] as? [String: [String: Any]])
        #expect(properties["id"]?["format"] as? String == "uuid")
        #expect(properties["placed_at"]?["format"] as? String == "date-time")
        #expect(properties["note"]?["type"] as? [String] == ["string", "null"])
        #expect(properties["note"]?["maxLength"] as? Int == 10)
        #expect(properties["colour"]?["enum"] as? [String] == ["red", "green"])
        #expect((properties["lines"]?["items"] as? [String: Any])?["$ref"] as? String == "#/components/schemas/Line")
        #expect(properties["lines"]?["maxItems"] as? Int == 3)
        #expect((properties["tags"]?["additionalProperties"] as? [String: Any])?["type"] as? String == "integer")
        #expect(properties["extra"]?["type"] as? [String] == ["object", "null"])
        let line = try Self.json(try #require(entry.definitions["Line"]))
        #expect((line["properties"] as? [String: [String: Any]])?["quantity"]?["maximum"] as? Double == 99)
    }

    static func problems(_ body: String) throws -> [String: String] {
        let entry = SchemaCatalog.entry(of: Order.self)
        let value = try JSONDecoder().decode(AnyJSON.self, from: Data(body.utf8))
        return Dictionary(entry.validator.problems(in: value, against: entry.schema).map { ($0.field, $0.message) }) { first, _ in first }
    }

    static let valid =
        #"{"id": "6f1c3f3e-6c1e-4a47-9a4b-2a8f2f1f7a10", "placed_at": "2026-01-02T03:04:05Z", "colour": "red", "lines": [{"sku": "a", "quantity": 2}], "tags": {"x": 1}}"#

    @Test func aValidBodyHasNoProblemsAndEveryBrokenRuleIsNamedByItsPath() throws {
        #expect(try Self.problems(Self.valid).isEmpty)
        let broken = try Self.problems(
            #"{"id": "nope", "placed_at": "2026-02-30T00:00:00Z", "note": "", "colour": "blue", "lines": [{"sku": 5, "quantity": 100}, {"quantity": 1.5}], "tags": {"x": "1"}, "extra": []}"#
        )
        #expect(broken["id"] == "must be a UUID")
        #expect(broken["placed_at"]?.hasPrefix("must be an RFC 3339 date-time") == true)
        #expect(broken["note"] == "must be 1 to 10 characters")
        #expect(broken["colour"] == "must be one of red, green")
        #expect(broken["lines[0].sku"] == "must be a string")
        #expect(broken["lines[0].quantity"] == "must be at most 99")
        #expect(broken["lines[1].sku"] == "is required")
        #expect(broken["lines[1].quantity"] == "must be an integer")
        #expect(broken["tags.x"] == "must be an integer")
        #expect(broken["extra"] == "must be an object or null")
        #expect(try Self.problems("[]")["body"] == "must be an object")
    }

    /// A text or a list of texts, as embeddings' `input` is; beside an optional model.
    struct Batch: APIModel {
        enum Input: Codable, Sendable, JSONSchemaRepresentable {
            case text(String)
            case texts([String])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) {
                    self = .text(text)
                } else {
                    self = .texts(try container.decode([String].self))
                }
            }

            func encode(to encoder: any Encoder) throws {}

            static var jsonSchema: JSONSchema { .anyOf([.string, .array(of: .string)]) }
            static var schemaPlaceholder: Input { .text("") }
        }

        let input: Input
        let line: Line?
    }

    @Test func aValueOfSeveralShapesIsCheckedAgainstTheShapeItHas() throws {
        let entry = SchemaCatalog.entry(of: Batch.self)
        func problems(_ body: String) throws -> [String: String] {
            let value = try JSONDecoder().decode(AnyJSON.self, from: Data(body.utf8))
            return Dictionary(entry.validator.problems(in: value, against: entry.schema).map { ($0.field, $0.message) }) { first, _ in first }
        }
        #expect(try problems(#"{"input": "one"}"#).isEmpty)
        #expect(try problems(#"{"input": ["one", "two"], "line": null}"#).isEmpty)
        // The list's own problem, not "must be a string".
        #expect(try problems(#"{"input": ["one", 3]}"#) == ["input[1]": "must be a string"])
        #expect(try problems(#"{"input": 3}"#).keys.sorted() == ["input"])
        // An optional model is its definition or null; a broken one is named inside.
        #expect(try problems(#"{"input": "one", "line": {"sku": "a", "quantity": 0}}"#) == ["line.quantity": "must be at least 1"])
        let batch = try Self.json(try #require(entry.definitions["Batch"]))
        let line = try #require((batch["properties"] as? [String: [String: Any]])?["line"]?["anyOf"] as? [[String: Any]])
        #expect(line.compactMap { $0["$ref"] as? String } == ["#/components/schemas/Line"])
        #expect(line.contains { $0["type"] as? String == "null" })
    }

    @Test func noStringOrKeyMayHoldUPlus0000AtAnyDepth() throws {
        let withNUL = Self.valid.replacingOccurrences(
            of: #""tags": {"x": 1}"#,
            with: #""tags": {"x": 1}, "extra": {"deep": ["a\u0000b"], "k\u0000": 1}"#
        )
        let problems = try Self.problems(withNUL)
        #expect(problems["extra.deep[0]"] == "must not contain U+0000")
        #expect(problems["extra.k\u{0}"]?.contains("U+0000") == true)
    }

    @Test(arguments: [
        ("2026-01-02T03:04:05Z", 1_767_323_045.0), ("2026-01-02t03:04:05z", 1_767_323_045.0), ("2026-01-02T04:04:05.25+01:00", 1_767_323_045.25),
        ("2024-02-29T23:59:59-00:30", 1_709_252_999.0), ("1969-12-31T23:59:59Z", -1.0), ("0001-01-01T00:00:00Z", -62_135_596_800.0),
    ])
    func rfc3339DateTimesAreRead(text: String, seconds: Double) {
        #expect(RFC3339.date(from: text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "2026-02-29T00:00:00Z", "2026-01-02T24:00:00Z", "2026-01-02T12:99:00Z", "2026-01-02T12:00:60Z", "2026-13-01T00:00:00Z",
        "2026-01-02 03:04:05Z",
        "2026-01-02T03:04:05", "2026-01-02T03:04:05+0100", "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05Z ", "+2026-01-02T03:04:05Z",
    ])
    func notRFC3339IsNotADateTime(text: String) {
        #expect(RFC3339.date(from: text) == nil)
    }

    @Test func aKnownPathWithAnUndeclaredMethodIs405WithAllow() async throws {
        try await RunningService.with(Fixtures.service) { service in
            for method in ["POST", "DELETE", "QUERY"] {
                let response = try await service.send(.init(rawValue: method), "/v1/items/1")
                #expect(response.status == 405, "\(method)")
                #expect(response.header("Allow") == "GET", "\(method)")
                #expect(response.header("Content-Type") == "application/problem+json")
            }
            #expect(try await service.send(.POST, "/v1/nowhere").status == 404)
        }
    }

    @Test func theDocumentCarriesRequestBodiesAndResponseSchemas() async throws {
        try await RunningService.with(Fixtures.service) { service in
            let document = try await service.send(.GET, "/openapi.json").json
            let health = try #require((document["paths"] as? [String: [String: [String: Any]]])?["/health"]?["get"])
            let ok = try #require((health["responses"] as? [String: [String: Any]])?["200"])
            let schema = (ok["content"] as? [String: [String: [String: Any]]])?["application/json"]?["schema"]
            #expect(schema?["$ref"] as? String == "#/components/schemas/HealthReport")
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            #expect(schemas["HealthReport"] != nil)
            #expect(schemas["Problem"] != nil)
        }
    }
}
