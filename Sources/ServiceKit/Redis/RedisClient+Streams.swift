/// Stream commands for jobs: append, consumer groups, acknowledgement and reclaiming.
extension RedisClient {
    /// One stream entry: its id and its field/value pairs in order.
    public struct StreamEntry: Sendable, Equatable {
        public let id: String
        public let fields: [(String, [UInt8])]

        public subscript(field: String) -> [UInt8]? {
            fields.first { $0.0 == field }?.1
        }

        public static func == (lhs: StreamEntry, rhs: StreamEntry) -> Bool {
            lhs.id == rhs.id && lhs.fields.elementsEqual(rhs.fields) { $0.0 == $1.0 && $0.1 == $1.1 }
        }
    }

    /// `XADD stream MAXLEN ~ n * field value …`; returns the new entry's id.
    @discardableResult
    public func streamAdd(_ stream: String, fields: [(String, [UInt8])], approximateMaxLength: Int? = nil) async throws -> String {
        var arguments: [[UInt8]] = [Array("XADD".utf8), Array(stream.utf8)]
        if let approximateMaxLength {
            arguments += [Array("MAXLEN".utf8), Array("~".utf8), Array(String(approximateMaxLength).utf8)]
        }
        arguments.append(Array("*".utf8))
        for (name, value) in fields { arguments += [Array(name.utf8), value] }
        guard let id = try await command(bytes: arguments).string else { throw RedisError.server("XADD returned no id") }
        return id
    }

    /// `XGROUP CREATE stream group id MKSTREAM`; false when the group already exists.
    @discardableResult
    public func streamCreateGroup(_ stream: String, group: String, startingAt id: String = "$") async throws -> Bool {
        do {
            _ = try await command(["XGROUP", "CREATE", stream, group, id, "MKSTREAM"])
            return true
        } catch RedisError.server(let message) where message.hasPrefix("BUSYGROUP") {
            return false
        }
    }

    /// `XREADGROUP GROUP g c COUNT n [BLOCK ms] STREAMS stream >`: new entries for this consumer,
    /// waiting up to `block` for one to arrive. Pass `id: "0"` to re-read this consumer's pending entries.
    public func streamReadGroup(
        _ stream: String,
        group: String,
        consumer: String,
        count: Int = 1,
        block: Duration? = nil,
        id: String = ">"
    ) async throws -> [StreamEntry] {
        var arguments = ["XREADGROUP", "GROUP", group, consumer, "COUNT", String(count)]
        if let block { arguments += ["BLOCK", String(block.milliseconds)] }
        arguments += ["STREAMS", stream, id]
        let reply = try await command(bytes: arguments.map { Array($0.utf8) }, extraWait: block ?? .zero)
        // [[stream, [entries]]] or null when BLOCK timed out.
        guard let streams = reply.array, let first = streams.first?.array, first.count == 2 else { return [] }
        return try Self.entries(first[1])
    }

    @discardableResult
    public func streamAcknowledge(_ stream: String, group: String, ids: [String]) async throws -> Int {
        try await command(["XACK", stream, group] + ids).integer ?? 0
    }

    /// `XAUTOCLAIM`: takes over entries pending longer than `minIdle` for `consumer`.
    /// Returns where to continue scanning ("0-0" when done) and the claimed entries.
    public func streamAutoClaim(
        _ stream: String,
        group: String,
        consumer: String,
        minIdle: Duration,
        start: String = "0-0",
        count: Int = 100
    ) async throws -> (next: String, entries: [StreamEntry]) {
        let reply = try await command(["XAUTOCLAIM", stream, group, consumer, String(minIdle.milliseconds), start, "COUNT", String(count)])
        guard let parts = reply.array, parts.count >= 2, let next = parts[0].string else {
            throw RedisError.server("unexpected XAUTOCLAIM reply")
        }
        return (next, try Self.entries(parts[1]))
    }

    /// One pending entry: who holds it, for how long, and how often it was delivered.
    public struct PendingEntry: Sendable, Equatable {
        public let id: String
        public let consumer: String
        public let idle: Duration
        public let deliveries: Int
    }

    /// `XPENDING stream group - + count`: the oldest pending entries.
    public func streamPending(_ stream: String, group: String, count: Int = 100) async throws -> [PendingEntry] {
        let reply = try await command(["XPENDING", stream, group, "-", "+", String(count)])
        return (reply.array ?? []).compactMap { item in
            guard let fields = item.array, fields.count == 4, let id = fields[0].string, let consumer = fields[1].string,
                let idle = fields[2].integer, let deliveries = fields[3].integer
            else { return nil }
            return PendingEntry(id: id, consumer: consumer, idle: .milliseconds(idle), deliveries: deliveries)
        }
    }

    public func streamLength(_ stream: String) async throws -> Int {
        try await command(["XLEN", stream]).integer ?? 0
    }

    /// `XRANGE stream start end COUNT n`.
    public func streamRange(_ stream: String, from start: String = "-", to end: String = "+", count: Int? = nil) async throws -> [StreamEntry] {
        var arguments = ["XRANGE", stream, start, end]
        if let count { arguments += ["COUNT", String(count)] }
        return try Self.entries(try await command(arguments))
    }

    private static func entries(_ reply: RedisReply) throws -> [StreamEntry] {
        guard let items = reply.array else { return [] }
        return try items.compactMap { item in
            // Entries deleted while pending come back as [id, null].
            guard let pair = item.array, pair.count == 2, let id = pair[0].string else {
                throw RedisError.server("unexpected stream entry \(item)")
            }
            guard let flat = pair[1].array else { return nil }
            var fields: [(String, [UInt8])] = []
            var index = 0
            while index + 1 < flat.count {
                if case .bulk(let name) = flat[index], case .bulk(let value) = flat[index + 1] {
                    fields.append((String(decoding: name, as: UTF8.self), value))
                }
                index += 2
            }
            return StreamEntry(id: id, fields: fields)
        }
    }
}
