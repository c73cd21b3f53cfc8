import Hummingbird

/// The query of a list endpoint (`?limit=&cursor=&…`), read parameter by parameter: a bad
/// value is recorded under its name, and ``validated()`` then throws one 422 naming them all.
public struct ListQuery {
    private let parameters: Parameters
    private var problems: [FieldError] = []

    public init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    private func string(_ name: String) -> String? {
        parameters.get(name).map { String($0) }
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
