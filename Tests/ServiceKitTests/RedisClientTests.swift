import Foundation
import Logging
import ServiceKit
import TestSupport
import Testing

/// The hiredis-backed client against the shared test Redis.
@Suite struct RedisClientTests {
    let client: RedisClient
    let prefix = "test:\(UUID().uuidString.prefix(8)):"

    init() throws {
        client = RedisClient(url: try RedisURL(parsing: try TestEnvironment.redisURL), logger: Logger(label: "redis-test"))
    }

    @Test func stringsCountersAndExpiry() async throws {
        let key = prefix + "greeting"
        try await client.ping()
        #expect(try await client.get(key) == nil)
        #expect(try await client.set(key, Array("hello\0world".utf8)))
        #expect(try await client.get(key) == Array("hello\0world".utf8))
        #expect(try await client.set(key, [1], condition: .ifAbsent) == false)
        #expect(try await client.set(key, [2], condition: .ifPresent))
        #expect(try await client.set(prefix + "absent", [3], condition: .ifPresent) == false)
        #expect(try await client.timeToLive(key) == nil)
        #expect(try await client.expire(key, in: .seconds(100)))
        #expect((99...100).contains(try await client.timeToLive(key) ?? 0))
        // A key of its own: on a busy machine it may be gone before the delete below.
        #expect(try await client.set(prefix + "short", [4], expiresIn: .milliseconds(1500)))
        let shortTTL = try await client.timeToLive(prefix + "short")
        #expect(shortTTL == 1 || shortTTL == 2)

        #expect(try await client.increment(prefix + "n") == 1)
        #expect(try await client.increment(prefix + "n", by: 41) == 42)
        #expect(try await client.delete([key, prefix + "n", prefix + "none"]) == 2)
    }

    @Test func errorRepliesAreThrownAndLeaveTheConnectionUsable() async throws {
        let key = prefix + "text"
        try await client.set(key, Array("abc".utf8))
        await #expect(throws: RedisError.self) { try await client.increment(key) }
        try await client.ping()
    }

    @Test func scriptsRunBySHAAndLoadThemselves() async throws {
        let script = RedisScript("return {KEYS[1], ARGV[1], tonumber(ARGV[2]) * 2, '\(UUID())'}")
        let reply = try await client.run(script, keys: [prefix + "k"], arguments: ["v", "21"])
        #expect(reply.array?.prefix(3).map { $0.string ?? String($0.integer ?? -1) } == [prefix + "k", "v", "42"])
        #expect(try await client.command(["SCRIPT", "EXISTS", script.sha1]).array == [.integer(1)])
    }

    @Test func publishReachesSubscribers() async throws {
        let channel = prefix + "events"
        let messages = try await client.subscribe(to: [channel, prefix + "other"])
        #expect(try await client.publish(channel, Array("one".utf8)) == 1)
        _ = try await client.publish(prefix + "other", Array("two".utf8))
        var received: [RedisMessage] = []
        for try await message in messages {
            received.append(message)
            if received.count == 2 { break }
        }
        #expect(
            received == [
                RedisMessage(channel: channel, payload: Array("one".utf8)), RedisMessage(channel: prefix + "other", payload: Array("two".utf8)),
            ]
        )
        // Ending the iteration closed the subscriber's connection.
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await client.publish(channel, Array("three".utf8)) == 0)
    }

    @Test func streamsWithConsumerGroups() async throws {
        let stream = prefix + "jobs"
        #expect(try await client.streamCreateGroup(stream, group: "workers", startingAt: "0"))
        #expect(try await client.streamCreateGroup(stream, group: "workers") == false)
        let first = try await client.streamAdd(stream, fields: [("kind", Array("asr".utf8)), ("item", Array("1".utf8))], approximateMaxLength: 1000)
        _ = try await client.streamAdd(stream, fields: [("kind", Array("rag".utf8))])
        #expect(try await client.streamLength(stream) == 2)
        #expect(try await client.streamRange(stream).map(\.id).first == first)

        let batch = try await client.streamReadGroup(stream, group: "workers", consumer: "a", count: 1)
        #expect(batch.map(\.id) == [first])
        #expect(batch.first?["kind"] == Array("asr".utf8))
        #expect(try await client.streamPending(stream, group: "workers").map(\.consumer) == ["a"])

        // Consumer b reclaims what a has held too long.
        try await Task.sleep(for: .milliseconds(60))
        let claimed = try await client.streamAutoClaim(stream, group: "workers", consumer: "b", minIdle: .milliseconds(50))
        #expect(claimed.entries.map(\.id) == [first])
        #expect(try await client.streamPending(stream, group: "workers").first?.consumer == "b")
        #expect(try await client.streamAcknowledge(stream, group: "workers", ids: [first]) == 1)
        #expect(try await client.streamPending(stream, group: "workers").isEmpty)

        _ = try await client.streamReadGroup(stream, group: "workers", consumer: "a", count: 10)
        // Nothing new: BLOCK waits, then answers empty, without tripping the command timeout.
        let start = ContinuousClock.now
        #expect(try await client.streamReadGroup(stream, group: "workers", consumer: "a", block: .milliseconds(2500)).isEmpty)
        #expect(ContinuousClock.now - start >= .milliseconds(2400))
        try await client.ping()
    }

    @Test func rejectsTLSAndReportsAnUnreachableServerPromptly() async throws {
        #expect(throws: ConfigError.self) { try RedisURL(parsing: "rediss://cache:6380/0") }
        // Long timeouts, so "promptly" means the refusal is reported, not that a timer ran out,
        // and a loaded machine has seconds of slack.
        let closed = RedisClient(
            url: RedisURL(host: "127.0.0.1", port: try freePort()),
            connectTimeout: .seconds(10),
            commandTimeout: .seconds(10),
            logger: Logger(label: "closed")
        )
        let start = ContinuousClock.now
        await #expect(throws: RedisError.self) { try await closed.ping() }
        await #expect(throws: RedisError.self) { try await closed.ping() }
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
