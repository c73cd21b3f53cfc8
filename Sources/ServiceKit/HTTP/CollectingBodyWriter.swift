import Hummingbird
import NIOCore

extension ResponseBody {
    /// Runs the body's writer into memory, for responses that must be stored (idempotency).
    func collect() async throws -> ByteBuffer {
        let sink = CollectedBytes()
        try await write(CollectingBodyWriter(sink: sink))
        return sink.buffer
    }
}

/// Accumulates what a response body writes.
private final class CollectedBytes {
    var buffer = ByteBuffer()
}

private struct CollectingBodyWriter: ResponseBodyWriter {
    let sink: CollectedBytes

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        sink.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
