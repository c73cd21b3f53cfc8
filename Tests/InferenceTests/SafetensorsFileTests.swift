import Foundation
import Inference
import Testing

@Suite struct SafetensorsFileTests {
    /// A file built here: header `{name: {dtype, shape, data_offsets}}`, then the values.
    static func write(header: String, values: [Float], to path: String) throws {
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header.utf8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        try data.write(to: URL(fileURLWithPath: path))
    }

    @Test func readsFloatTensorsAndRefusesWrongShapesOrTruncatedFiles() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tensors-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // 13 header bytes: the tensor data starts misaligned, which the reader must cope with.
        let header = #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"__metadata__":{"format":"pt"}}"#
        try Self.write(header: header, values: [1, 2, 3, 4, 5, 6], to: path)
        let file = try SafetensorsFile(path: path)
        #expect(Array(try file.floats("w", shape: [2, 3])) == [1, 2, 3, 4, 5, 6])
        #expect(throws: ModelFileError.self) { try file.floats("w", shape: [3, 2]) }
        #expect(throws: ModelFileError.self) { try file.floats("missing", shape: [1]) }

        try Self.write(header: header, values: [1, 2], to: path)
        let truncated = #expect(throws: ModelFileError.self) { try SafetensorsFile(path: path) }
        #expect(truncated?.description.contains("truncated") == true)
    }
}
