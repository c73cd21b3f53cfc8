import Foundation

/// Checks a JSON value against a ``JSONSchema``, collecting every violation under the path
/// of the field it concerns (`items[2].name`), so one 422 names all of them. Whatever the
/// schema, no string or key may hold U+0000: PostgreSQL stores neither in `text` nor `jsonb`.
struct SchemaValidator {
    let definitions: [String: JSONSchema]

    func problems(in value: AnyJSON, against schema: JSONSchema) -> [FieldError] {
        var problems: [FieldError] = []
        check(value, schema, path: "", into: &problems)
        return problems
    }

    private func check(_ value: AnyJSON, _ schema: JSONSchema, path: String, into problems: inout [FieldError]) {
        if let name = schema.reference, let target = definitions[name] {
            check(value, target, path: path, into: &problems)
            return
        }
        let field = path.isEmpty ? "body" : path
        func fail(_ message: String) { problems.append(FieldError(field: field, message: message)) }
        if case .string(let text) = value, text.utf8.contains(0) {
            fail("must not contain U+0000")
            return
        }
        if let variants = schema.anyOf {
            // A variant of the value's own type says best what is wrong (`input[1]`, not
            // "input must be a string"); among equals, the one with the fewest problems.
            var closest: (rank: (Int, Int), problems: [FieldError])?
            for variant in variants {
                var attempt: [FieldError] = []
                check(value, variant, path: path, into: &attempt)
                if attempt.isEmpty { return }
                let shape = variant.reference.flatMap { definitions[$0] } ?? variant
                let rank = (shape.types.contains { Self.value(value, is: $0) } ? 0 : 1, attempt.count)
                if closest.map({ rank < $0.rank }) ?? true { closest = (rank, attempt) }
            }
            problems += closest?.problems ?? []
            return
        }
        guard schema.types.isEmpty || schema.types.contains(where: { Self.value(value, is: $0) }) else {
            fail(Self.expectation(schema.types))
            return
        }
        switch value {
        case .string(let text):
            // One problem per field: the first rule it breaks.
            let length = text.unicodeScalars.count
            if let minimum = schema.minLength, length < minimum {
                fail(Self.lengthMessage(schema))
            } else if let maximum = schema.maxLength, length > maximum {
                fail(Self.lengthMessage(schema))
            } else if let values = schema.enumValues, !values.contains(text) {
                fail("must be one of \(values.joined(separator: ", "))")
            } else if let pattern = schema.pattern, !Self.matches(text, pattern) {
                fail(pattern == JSONSchema.nonBlankText ? "must not be empty or whitespace only" : "must match \(pattern)")
            } else if schema.format == "date-time", RFC3339.date(from: text) == nil {
                fail("must be an RFC 3339 date-time such as 2026-01-02T03:04:05Z")
            } else if schema.format == "uuid", UUID(uuidString: text) == nil {
                fail("must be a UUID")
            }
        case .number(let number):
            if let minimum = schema.minimum, number < minimum { fail("must be at least \(Self.text(minimum))") }
            if let maximum = schema.maximum, number > maximum { fail("must be at most \(Self.text(maximum))") }
        case .array(let elements):
            if let minimum = schema.minItems, elements.count < minimum { fail("must have at least \(minimum) items") }
            if let maximum = schema.maxItems, elements.count > maximum { fail("must have at most \(maximum) items") }
            for (index, element) in elements.enumerated() {
                check(element, schema.items ?? .any, path: "\(path)[\(index)]", into: &problems)
            }
        case .object(let members):
            for name in schema.required ?? [] where members[name] == nil {
                problems.append(FieldError(field: Self.join(path, name), message: "is required"))
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if name.utf8.contains(0) {
                    problems.append(FieldError(field: Self.join(path, name), message: "is a key with U+0000, which cannot be stored"))
                    continue
                }
                check(member, schema.properties?[name] ?? schema.additionalProperties ?? .any, path: Self.join(path, name), into: &problems)
            }
        case .bool, .null:
            break
        }
    }

    /// Whether `text` contains a match of `pattern`; the storable-text rule of every string is
    /// already checked, without a regular expression.
    private static func matches(_ text: String, _ pattern: String) -> Bool {
        if pattern == JSONSchema.storableText { return true }
        return (try? Regex(pattern).firstMatch(in: text)) != nil
    }

    private static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    private static func value(_ value: AnyJSON, is kind: JSONSchema.Kind) -> Bool {
        switch (value, kind) {
        case (.string, .string), (.bool, .boolean), (.null, .null), (.array, .array), (.object, .object), (.number, .number): true
        case (.number(let number), .integer): number.rounded() == number && abs(number) < 9.0e15
        default: false
        }
    }

    private static func expectation(_ kinds: [JSONSchema.Kind]) -> String {
        let names = kinds.map { kind in
            switch kind {
            case .string: "a string"
            case .integer: "an integer"
            case .number: "a number"
            case .boolean: "a boolean"
            case .object: "an object"
            case .array: "an array"
            case .null: "null"
            }
        }
        return "must be " + names.joined(separator: " or ")
    }

    private static func lengthMessage(_ schema: JSONSchema) -> String {
        switch (schema.minLength, schema.maxLength) {
        case let (minimum?, maximum?): "must be \(minimum) to \(maximum) characters"
        case let (minimum?, nil): "must be at least \(minimum) characters"
        case let (nil, maximum?): "must be at most \(maximum) characters"
        case (nil, nil): "has an invalid length"
        }
    }

    private static func text(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
