import Foundation

/// A query parameter a route reads, declared once: the route's declaration documents it from
/// this value and the handler reads it through the same value (``ListQuery/value(_:)``), so
/// the documented type and range are the ones enforced.
public struct QueryParameter<Value: Sendable>: QueryParameterDeclaring {
    public let name: String
    public let schema: JSONSchema
    /// What a rejected value is told.
    public let message: String
    let parse: @Sendable (String) -> Value?

    public init(_ name: String, schema: JSONSchema, message: String, parse: @escaping @Sendable (String) -> Value?) {
        self.name = name
        self.schema = schema
        self.message = message
        self.parse = parse
    }

    /// `text` read by the parameter's rule; nil when the rule rejects it.
    public func value(of text: String) -> Value? {
        parse(text)
    }

    /// The same parameter with a description in the document.
    public func describing(_ text: String) -> QueryParameter {
        var schema = schema
        schema.description = text
        return QueryParameter(name, schema: schema, message: message, parse: parse)
    }
}

/// A query parameter as the document needs it, whatever it parses to.
public protocol QueryParameterDeclaring: Sendable {
    var name: String { get }
    var schema: JSONSchema { get }
}

extension QueryParameter where Value == Int {
    /// A whole number within `range`.
    public static func integer(_ name: String, in range: ClosedRange<Int>) -> QueryParameter {
        var schema = JSONSchema.integer
        schema.minimum = Double(range.lowerBound)
        schema.maximum = Double(range.upperBound)
        return QueryParameter(name, schema: schema, message: "must be \(range.lowerBound) to \(range.upperBound)") { text in
            Int(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// `limit`: how many rows a page holds, 1 to `max`.
    public static func limit(max: Int) -> QueryParameter {
        integer("limit", in: 1...max)
    }
}

extension QueryParameter where Value == Double {
    /// A number within `range`.
    public static func number(_ name: String, in range: ClosedRange<Double>) -> QueryParameter {
        var schema = JSONSchema.number
        schema.minimum = range.lowerBound
        schema.maximum = range.upperBound
        return QueryParameter(
            name,
            schema: schema,
            message: "must be a number from \(range.lowerBound.formatted()) to \(range.upperBound.formatted())"
        ) {
            text in
            Double(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }
}

extension QueryParameter where Value == Int64 {
    /// `cursor`: the sequence number of the last row of the page before, as
    /// ``ListQuery/nextSequenceCursor(of:limit:sequence:)`` issues it (a table's `seq` column).
    public static var sequenceCursor: QueryParameter {
        QueryParameter("cursor", schema: .pattern("^[0-9]{1,18}$"), message: "is not a cursor this service issued") { Int64($0) }
            .describing("Where the page starts: the `next_cursor` of the page before.")
    }
}

extension QueryParameter where Value == String {
    /// Text of `length` characters, without U+0000 (which no query can match in PostgreSQL).
    public static func string(_ name: String, length: ClosedRange<Int>) -> QueryParameter {
        var schema = JSONSchema.string
        schema.minLength = length.lowerBound
        schema.maxLength = length.upperBound
        return QueryParameter(name, schema: schema, message: "must be \(length.lowerBound) to \(length.upperBound) characters, without U+0000") {
            text in
            length.contains(text.unicodeScalars.count) && !text.utf8.contains(0) ? text : nil
        }
    }

    /// One of `values`.
    public static func oneOf(_ name: String, _ values: [String]) -> QueryParameter {
        var schema = JSONSchema.string
        schema.enumValues = values
        return QueryParameter(name, schema: schema, message: "must be one of \(values.joined(separator: ", "))") { text in
            values.contains(text) ? text : nil
        }
    }
}

extension QueryParameter where Value == Date {
    /// An RFC 3339 date-time.
    public static func dateTime(_ name: String) -> QueryParameter {
        QueryParameter(
            name,
            schema: JSONSchema(.string, format: "date-time"),
            message: "must be an RFC 3339 date-time such as 2026-01-02T03:04:05Z",
            parse: RFC3339.date(from:)
        )
    }
}

extension ListQuery {
    /// `parameter`'s value, nil when absent; a value it rejects is a problem.
    public mutating func value<Value>(_ parameter: QueryParameter<Value>) -> Value? {
        value(parameter.name, message: parameter.message, parameter.parse)
    }
}
