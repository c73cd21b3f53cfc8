/// A read-only row-major float32 matrix: a view into a mapped model file, or values of its
/// own (such as the fused query/key/value weights). Never mutated, hence the unchecked `Sendable`.
struct WeightMatrix: @unchecked Sendable {
    let rows: Int
    let columns: Int
    let values: UnsafeBufferPointer<Float>

    init(rows: Int, columns: Int, values: UnsafeBufferPointer<Float>) {
        precondition(values.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Takes a copy that lives as long as the process (weights are loaded once per process).
    init(rows: Int, columns: Int, owning array: [Float]) {
        let storage = UnsafeMutableBufferPointer<Float>.allocate(capacity: array.count)
        _ = storage.initialize(from: array)
        self.init(rows: rows, columns: columns, values: UnsafeBufferPointer(storage))
    }

    /// Row `index` as a pointer to its `columns` values.
    func row(_ index: Int) -> UnsafePointer<Float> {
        values.baseAddress! + index * columns
    }
}
