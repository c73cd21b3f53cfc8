/// Idempotency keys in Redis (`idem:<service>:<key>`, claimed with `SET NX`), shared by every
/// replica; in a bounded in-memory map while Redis is unreachable.
final class IdempotencyStore: Sendable {
    /// What a request finds when it tries to claim its key.
    enum Claim: Sendable, Equatable {
        case claimed
        case existing(IdempotencyRecord)
    }

    private let namespace: String
    private let fallback: RedisFallback
    private let memory: ExpiringCache<IdempotencyRecord>

    init(service: String, fallback: RedisFallback, memoryCapacity: Int = 10_000) {
        self.namespace = "idem:\(service):"
        self.fallback = fallback
        self.memory = ExpiringCache(capacity: memoryCapacity)
    }

    /// Claims `key` for a request with `fingerprint` for `ttl`, or returns what holds it.
    func claim(_ key: String, fingerprint: String, ttl: Duration) async throws -> Claim {
        let storageKey = namespace + key
        let record = IdempotencyRecord.claim(fingerprint: fingerprint)
        return try await fallback.run(
            redis: { redis in
                // A key that expires between the failed SET and the GET is claimable again: try once more.
                for _ in 0..<2 {
                    if try await redis.set(storageKey, record.encoded, condition: .ifAbsent, expiresIn: ttl) {
                        return .claimed
                    }
                    if let bytes = try await redis.get(storageKey), let existing = IdempotencyRecord(decoding: bytes) {
                        return .existing(existing)
                    }
                }
                return .claimed
            },
            memory: {
                memory.update(storageKey) { existing in
                    if let existing { return (existing, ttl, .existing(existing)) }
                    return (record, ttl, .claimed)
                }
            }
        )
    }

    /// Stores the finished request's response for `ttl`.
    func complete(_ key: String, with record: IdempotencyRecord, ttl: Duration) async throws {
        let storageKey = namespace + key
        try await fallback.run(
            redis: { redis in _ = try await redis.set(storageKey, record.encoded, expiresIn: ttl) },
            memory: { memory.update(storageKey) { _ in (record, ttl, ()) } }
        )
    }

    /// Frees the key so the client may retry (after a 5xx, or when the request was cut short).
    func release(_ key: String) async throws {
        let storageKey = namespace + key
        try await fallback.run(
            redis: { redis in _ = try await redis.delete([storageKey]) },
            memory: { memory.remove(storageKey) }
        )
    }
}
