import NIOCore

/// Splits a `text/event-stream` body, arriving in chunks cut anywhere, into the data of its
/// events (HTML Living Standard, "server-sent events"): `data:` lines joined by newlines,
/// dispatched at a blank line; comments and other fields are skipped. Lines end in LF or CRLF.
struct ServerSentEventParser {
    private var pending: [UInt8] = []
    private var data: [String] = []
    /// A line longer than this is a broken stream, not an event to buffer without end.
    let maxLineBytes: Int

    init(maxLineBytes: Int = 1 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    struct LineTooLong: Error {}

    /// Feeds one chunk; returns the data of every event it completed, in order.
    mutating func feed(_ chunk: ByteBuffer) throws(LineTooLong) -> [String] {
        var events: [String] = []
        for byte in chunk.readableBytesView {
            guard byte == UInt8(ascii: "\n") else {
                pending.append(byte)
                if pending.count > maxLineBytes { throw LineTooLong() }
                continue
            }
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            let line = String(decoding: pending, as: UTF8.self)
            pending.removeAll(keepingCapacity: true)
            if line.isEmpty {
                if !data.isEmpty { events.append(data.joined(separator: "\n")) }
                data.removeAll()
            } else if line == "data" {
                data.append("")
            } else if line.hasPrefix("data:") {
                let value = line.dropFirst(5)
                data.append(String(value.hasPrefix(" ") ? value.dropFirst() : value))
            }
        }
        return events
    }
}
