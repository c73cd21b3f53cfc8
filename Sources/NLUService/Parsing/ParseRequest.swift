import Foundation
import LanguageUnderstanding
import ServiceKit

/// `POST /v1/parse`: one text, said at `reference_time` (RFC 3339, default now) in `timezone`
/// (IANA, default UTC), understood with `model` (default `assistant`).
struct ParseRequest: APIModel {
    let text: String
    let referenceTime: String?
    let timezone: String?
    let model: String?

    enum CodingKeys: String, CodingKey {
        case text, timezone, model
        case referenceTime = "reference_time"
    }

    static var fieldConstraints: [String: FieldConstraint] { ParseOptions.sharedFieldConstraints.merging(["text": .nonBlank]) { $1 } }
}

/// `POST /v1/parse/batch`: up to ``ParseOptions/maxBatch`` texts sharing the other fields.
struct BatchParseRequest: APIModel {
    let texts: [String]
    let referenceTime: String?
    let timezone: String?
    let model: String?

    enum CodingKeys: String, CodingKey {
        case texts, timezone, model
        case referenceTime = "reference_time"
    }

    static var fieldConstraints: [String: FieldConstraint] {
        ParseOptions.sharedFieldConstraints.merging(["texts": .items(1...ParseOptions.maxBatch)]) { _, new in new }
    }
}

/// The settings of a parse after validation.
struct ParseOptions: Sendable {
    static let maxBatch = 100
    static let defaultModel = "assistant"

    let referenceTime: Date
    let timeZone: TimeZone
    let model: String

    /// The rules of the fields both parse requests share that their schema states.
    static var sharedFieldConstraints: [String: FieldConstraint] {
        [
            "reference_time": .format("date-time").describing("When the text was said (RFC 3339); now when absent."),
            "timezone": .describing("An IANA time zone such as Europe/Berlin; UTC when absent."),
            "model": .pattern(TrainingData.namePattern).describing("The model to parse with; `\(defaultModel)` when absent."),
        ]
    }

    /// Reads the shared fields (their schema was checked), naming each that is still wrong.
    init(referenceTime: String?, timezone: String?, model: String?, now: Date = Date()) throws {
        var problems: [FieldError] = []
        var reference = now
        if let referenceTime {
            if let parsed = RFC3339.date(from: referenceTime) {
                reference = parsed
            } else {
                problems.append(FieldError(field: "reference_time", message: "must be an RFC 3339 date-time such as 2026-03-04T10:00:00Z"))
            }
        }
        var zone = TimeZone(identifier: "UTC")!
        if let timezone {
            // TimeZone accepts some abbreviations and offsets; the contract is IANA names.
            if timezone.contains("/") || timezone == "UTC", let parsed = TimeZone(identifier: timezone) {
                zone = parsed
            } else {
                problems.append(FieldError(field: "timezone", message: "must be an IANA time zone such as Europe/Berlin"))
            }
        }
        guard problems.isEmpty else {
            throw ValidationError(fields: problems, detail: problems.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
        }
        self.referenceTime = reference
        self.timeZone = zone
        self.model = model ?? Self.defaultModel
    }

    /// The problem with one text, if any: empty, whitespace only, or longer than `maxCharacters` scalars.
    static func problem(with text: String, field: String, maxCharacters: Int) -> FieldError? {
        if text.allSatisfy(\.isWhitespace) { return FieldError(field: field, message: "must not be empty or whitespace only") }
        if text.unicodeScalars.count > maxCharacters { return FieldError(field: field, message: "must be at most \(maxCharacters) characters") }
        return nil
    }
}
