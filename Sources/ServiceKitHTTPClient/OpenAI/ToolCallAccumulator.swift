/// Reassembles streamed tool calls: fragments are grouped by their index and their argument
/// text is concatenated in arrival order.
struct ToolCallAccumulator {
    private var calls: [Int: (id: String, name: String, arguments: String)] = [:]

    mutating func add(_ fragments: [ChatDelta.ToolCallFragment]) {
        for fragment in fragments {
            var call = calls[fragment.index] ?? ("", "", "")
            if let id = fragment.id, !id.isEmpty { call.id = id }
            if let name = fragment.name, !name.isEmpty { call.name += name }
            call.arguments += fragment.arguments ?? ""
            calls[fragment.index] = call
        }
    }

    /// The calls so far, in index order.
    var toolCalls: [ToolCall] {
        calls.sorted { $0.key < $1.key }.map { ToolCall(id: $0.value.id, name: $0.value.name, arguments: $0.value.arguments) }
    }
}
