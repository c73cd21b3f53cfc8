/// pgvector's text form of a vector, `[0.1,-0.2,…]`, in which embeddings are bound to queries.
enum VectorText {
    static func literal(_ vector: [Float]) -> String {
        var text = "["
        text.reserveCapacity(vector.count * 12)
        for (index, value) in vector.enumerated() {
            if index > 0 { text.append(",") }
            text.append(value.description)
        }
        text.append("]")
        return text
    }
}
