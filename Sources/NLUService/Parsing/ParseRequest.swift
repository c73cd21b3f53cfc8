import Foundation
import ServiceKit

/// `POST /v1/parse`: one text, said at `reference_time` (RFC 3339, default now) in `timezone`
/// (IANA, default UTC), understood with `model` (default `assistant`).
struct ParseRequest: Decodable, Sendable {
    let text: String
    let referenceTime: String?
    let timezone: String?
    let model: String?

    enum CodingKeys: String, CodingKey {
        case text, timezone, model
        case referenceTime = "reference_time"
    }
}

/// `POST /v1/parse/batch`: up to ``ParseOptions/maxBatch`` texts sharing the other fields.
struct BatchParseRequest: Decodable, Sendable {
    let texts: [String]
    let referenceTime: String?
    let timezone: String?
    let model: String?

    enum CodingKeys: String, CodingKey {
        case texts, timezone, model
        case referenceTime = "reference_time"
    }
}

/// The settings of a parse after validation.
struct ParseOptions: Sendable {
    static let maxBatch = 100
    static let defaultModel = "assistant"

    let referenceTime: Date
    let timeZone: TimeZone
    let model: String

    /// Checks the shared fields, naming each that is wrong.
    init(referenceTime: String?, timezone: String?, model: String?, now: Date = Date()) throws {
        var problems: [FieldError] = []
        var reference = now
        if let referenceTime {
            if let parsed = Self.rfc3339(referenceTime) {
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
        if let model, model.range(of: #"^[A-Za-z0-9_.-]{1,64}$"#, options: .regularExpression) == nil {
            problems.append(FieldError(field: "model", message: "must be 1 to 64 letters, digits, '_', '.' or '-'"))
        }
        guard problems.isEmpty else {
            throw ValidationError(fields: problems, detail: problems.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
        }
        self.referenceTime = reference
        self.timeZone = zone
        self.model = model ?? Self.defaultModel
    }

    static func rfc3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// The problem with one text, if any: empty, whitespace only, or longer than `maxCharacters` scalars.
    static func problem(with text: String, field: String, maxCharacters: Int) -> FieldError? {
        if text.allSatisfy(\.isWhitespace) { return FieldError(field: field, message: "must not be empty or whitespace only") }
        if text.unicodeScalars.count > maxCharacters { return FieldError(field: field, message: "must be at most \(maxCharacters) characters") }
        return nil
    }
}
