import Foundation

/// Decides whether a request may proceed under its limits, counting in Redis with one Lua
/// script (GCRA, atomic across all of a request's limits) so that every replica shares the
/// same count; in memory while Redis is unreachable.
final class RateLimiter: Sendable {
    /// The verdict, with what the `RateLimit-*` headers report: the limit closest to exhaustion.
    struct Decision: Sendable, Equatable {
        let allowed: Bool
        let limit: Int
        let remaining: Int
        /// Seconds until that limit is fully replenished.
        let resetSeconds: Int
        /// Seconds until a refused request may be retried (0 when allowed).
        let retryAfterSeconds: Int
    }

    private let namespace: String
    private let fallback: RedisFallback
    private let memory: ExpiringCache<Double>

    init(service: String, fallback: RedisFallback, memoryCapacity: Int = 100_000) {
        self.namespace = "rl:\(service):"
        self.fallback = fallback
        self.memory = ExpiringCache(capacity: memoryCapacity)
    }

    /// Counts one request from `client` on `route` against `limits`.
    func check(client: String, route: RouteKey, limits: [RateLimit]) async throws -> Decision {
        let keys = limits.map { "\(namespace)\(route.method.rawValue) \(route.template):\($0.count)/\($0.unit):\(client)" }
        return try await fallback.run(
            redis: { redis in
                let reply = try await redis.run(
                    Self.script,
                    keys: keys,
                    arguments: limits.flatMap { [String($0.count), String($0.period.milliseconds)] }
                )
                guard let values = reply.array?.compactMap(\.integer), values.count == 5 else {
                    throw RedisError.server("unexpected rate limit reply \(reply)")
                }
                return Decision(
                    allowed: values[0] == 1,
                    limit: values[1],
                    remaining: values[2],
                    resetSeconds: values[3],
                    retryAfterSeconds: values[4]
                )
            },
            memory: { checkInMemory(keys: keys, limits: limits) }
        )
    }

    /// The same algorithm as the script, on the in-memory map.
    private func checkInMemory(keys: [String], limits: [RateLimit]) -> Decision {
        let now = Date().timeIntervalSince1970 * 1000
        var states: [(key: String, limit: RateLimit, tat: Double)] = []
        for (key, limit) in zip(keys, limits) {
            states.append((key, limit, max(memory.value(key) ?? now, now)))
        }
        let evaluation = Self.evaluate(now: now, states: states.map { ($0.limit, $0.tat) })
        if evaluation.allowed {
            for (index, state) in states.enumerated() {
                let newTAT = evaluation.newTATs[index]
                memory.update(state.key) { _ in (newTAT, .milliseconds(Int64((newTAT - now).rounded(.up))), ()) }
            }
        }
        return evaluation.decision
    }

    /// GCRA over several limits: allowed only if every limit allows; reports the tightest.
    static func evaluate(now: Double, states: [(limit: RateLimit, tat: Double)]) -> (allowed: Bool, newTATs: [Double], decision: Decision) {
        var allowed = true
        var retryAfter = 0.0
        var newTATs: [Double] = []
        var tightest: (limit: Int, remaining: Int, reset: Double)?
        for (limit, tat) in states {
            let period = Double(limit.period.milliseconds)
            let interval = period / Double(limit.count)
            let newTAT = tat + interval
            let allowAt = newTAT - period
            if now < allowAt {
                allowed = false
                retryAfter = max(retryAfter, allowAt - now)
            }
            newTATs.append(newTAT)
            let consumed = now < allowAt ? tat : newTAT
            let remaining = max(0, Int(((now + period - consumed) / interval).rounded(.down)))
            if tightest == nil || remaining < tightest!.remaining {
                tightest = (limit.count, remaining, consumed - now)
            }
        }
        let report = tightest ?? (0, 0, 0)
        return (
            allowed, newTATs,
            Decision(
                allowed: allowed,
                limit: report.limit,
                remaining: allowed ? report.remaining : 0,
                resetSeconds: Int((report.reset / 1000).rounded(.up)),
                retryAfterSeconds: allowed ? 0 : max(1, Int((retryAfter / 1000).rounded(.up)))
            )
        )
    }

    /// KEYS: one per limit. ARGV: count and period (ms) per limit. Returns
    /// {allowed, limit, remaining, reset_seconds, retry_after_seconds}, as `evaluate` does.
    static let script = RedisScript(
        """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local allowed = 1
        local retry_after = 0
        local new_tats = {}
        local best_limit, best_remaining, best_reset = 0, -1, 0
        for i, key in ipairs(KEYS) do
          local count = tonumber(ARGV[2 * i - 1])
          local period = tonumber(ARGV[2 * i])
          local interval = period / count
          local tat = tonumber(redis.call('GET', key) or now)
          if tat < now then tat = now end
          local new_tat = tat + interval
          local allow_at = new_tat - period
          if now < allow_at then
            allowed = 0
            retry_after = math.max(retry_after, allow_at - now)
          end
          new_tats[i] = new_tat
          local consumed = new_tat
          if now < allow_at then consumed = tat end
          local remaining = math.max(0, math.floor((now + period - consumed) / interval))
          if best_remaining < 0 or remaining < best_remaining then
            best_limit, best_remaining, best_reset = count, remaining, consumed - now
          end
        end
        if allowed == 1 then
          for i, key in ipairs(KEYS) do
            redis.call('SET', key, string.format('%.3f', new_tats[i]), 'PX', math.max(1, math.ceil(new_tats[i] - now)))
          end
        else
          best_remaining = 0
        end
        local retry_seconds = 0
        if allowed == 0 then retry_seconds = math.max(1, math.ceil(retry_after / 1000)) end
        return {allowed, best_limit, best_remaining, math.ceil(best_reset / 1000), retry_seconds}
        """
    )
}
