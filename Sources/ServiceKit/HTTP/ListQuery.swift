import Hummingbird

/// The query of a list endpoint (`?limit=&cursor=&…`), read parameter by parameter: a bad
/// value is recorded under its name, and ``validated()`` then throws one 422 naming them all.
public struct ListQuery {
    private let parameters: Parameters
    private var problems: [FieldError] = []

    public init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    public func string(_ name: String) -> String? {
        parameters.get(name).map { String($0) }
    }

    /// `limit`, or `defaultLimit` when it is absent; a value outside `1...maxLimit` is a problem.
    public mutating func limit(default defaultLimit: Int, max maxLimit: Int) -> Int {
        guard let text = string("limit") else { return defaultLimit }
        guard let value = Int(text), (1...maxLimit).contains(value) else {
            problems.append(FieldError(field: "limit", message: "must be 1 to \(maxLimit)"))
            return defaultLimit
        }
        return value
    }

    /// `name` read by `parse`, nil when absent; a value `parse` rejects is a problem, `message` saying why.
    public mutating func value<Value>(_ name: String, message: String, _ parse: (String) -> Value?) -> Value? {
        guard let text = string(name) else { return nil }
        guard let value = parse(text) else {
            problems.append(FieldError(field: name, message: message))
            return nil
        }
        return value
    }

    /// `cursor` as the sequence number of the last row of the previous page (a table's
    /// `seq` column), the cursor that ``nextSequenceCursor(of:limit:sequence:)`` issues.
    public mutating func sequenceCursor() -> Int64? {
        value("cursor", message: "is not a cursor this service issued") { Int64($0) }
    }

    /// The cursor of the page after `page`: the sequence number of its last row, or nil when
    /// the page was not full (there is no next one).
    public static func nextSequenceCursor<Row>(of page: [Row], limit: Int, sequence: (Row) -> Int64) -> String? {
        page.count == limit ? page.last.map { String(sequence($0)) } : nil
    }

    /// Throws the 422 for every problem found so far.
    public func validated() throws(ValidationError) {
        guard problems.isEmpty else { throw ValidationError(fields: problems, detail: "The query is not valid.") }
    }
}
