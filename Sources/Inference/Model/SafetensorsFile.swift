import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `.safetensors` file mapped read-only into memory: an 8-byte little-endian header length,
/// a JSON header naming each tensor's dtype, shape and byte range, then the raw tensor bytes.
/// Only float32 tensors are handed out; pages are read from disk as they are first touched.
///
/// Immutable after `init` and never unmapped (a model is loaded once per process), which is
/// what makes the unchecked `Sendable` sound.
public final class SafetensorsFile: @unchecked Sendable {
    /// One tensor's entry in the header.
    public struct TensorInfo: Sendable {
        public let dtype: String
        public let shape: [Int]
        let byteRange: Range<Int>
    }

    public let path: String
    public let tensors: [String: TensorInfo]
    private let base: UnsafeRawPointer
    private let size: Int
    private let dataStart: Int

    public init(path: String) throws(ModelFileError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ModelFileError(path: path, problem: "cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size >= 8 else { throw ModelFileError(path: path, problem: "is empty or unreadable") }
        size = Int(status.st_size)
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
            throw ModelFileError(path: path, problem: "cannot be mapped (\(String(cString: strerror(errno))))")
        }
        base = UnsafeRawPointer(mapping)
        let headerLength = Int(UInt64(littleEndian: base.loadUnaligned(as: UInt64.self)))
        guard headerLength > 1, headerLength <= size - 8 else {
            throw ModelFileError(path: path, problem: "is not a safetensors file (header length \(headerLength))")
        }
        dataStart = 8 + headerLength
        let headerBytes = Data(bytes: base + 8, count: headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: headerBytes) as? [String: Any] else {
            throw ModelFileError(path: path, problem: "has a header that is not JSON")
        }
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String, let shape = entry["shape"] as? [Int],
                let offsets = entry["data_offsets"] as? [Int], offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1],
                dataStart + offsets[1] <= size
            else { throw ModelFileError(path: path, problem: "has an invalid entry for tensor \(name) (the file may be truncated)") }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
        }
        self.tensors = tensors
    }

    /// The float32 values of tensor `name`, checked against the shape the model expects.
    public func floats(_ name: String, shape: [Int]) throws(ModelFileError) -> UnsafeBufferPointer<Float> {
        guard let info = tensors[name] else { throw ModelFileError(path: path, problem: "has no tensor \(name)") }
        guard info.dtype == "F32", info.shape == shape, info.byteRange.count == shape.reduce(1, *) * MemoryLayout<Float>.size else {
            throw ModelFileError(path: path, problem: "has tensor \(name) as \(info.dtype) \(info.shape), expected F32 \(shape)")
        }
        let start = base + dataStart + info.byteRange.lowerBound
        let count = info.byteRange.count / MemoryLayout<Float>.size
        if Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 {
            return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: count)
        }
        // The format does not promise alignment; a misaligned tensor is copied once.
        let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        UnsafeMutableRawBufferPointer(copy).copyMemory(from: UnsafeRawBufferPointer(start: start, count: info.byteRange.count))
        return UnsafeBufferPointer(copy)
    }
}
