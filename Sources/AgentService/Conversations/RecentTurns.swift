import Foundation
import Logging
import ServiceKit
import ServiceKitHTTPClient

/// The last turns of a conversation, as `understand` and `plan` read them: cached in Redis
/// (a sorted set by message number, `agent:conversation:<id>:turns`, kept
/// `AGENT_STATE_TTL_SECONDS` after its last use) over PostgreSQL, the source of truth. A miss
/// or a Redis that is down reads PostgreSQL; a new message is added to a cached set in place.
///
/// Every change bumps a generation counter beside the set, and a reader fills the cache from
/// PostgreSQL only while the generation is the one it saw before reading: a message stored
/// meanwhile can never be left out of the cache by a slower reader.
struct RecentTurns: Sendable {
    /// One message of the conversation.
    struct Turn: Codable, Sendable, Equatable {
        let seq: Int64
        let role: String
        let text: String
        let runID: String?

        enum CodingKeys: String, CodingKey {
            case seq, role, text
            case runID = "run_id"
        }

        var chatMessage: ChatMessage { role == "assistant" ? .assistant(text) : .user(text) }
    }

    let database: Database
    let redis: RedisClient?
    let ttl: Duration
    let logger: Logger

    /// Turns kept: enough for follow-ups, few enough for a small prompt.
    static let limit = 10

    static func key(_ conversationID: UUID) -> String { "agent:conversation:\(conversationID.lowercased):turns" }
    static func generationKey(_ conversationID: UUID) -> String { key(conversationID) + ":generation" }

    /// The last ``limit`` turns, oldest first.
    func recent(_ conversationID: UUID) async throws -> [Turn] {
        let keys = [Self.key(conversationID), Self.generationKey(conversationID)]
        var generation: String?
        if let redis {
            do {
                let reply = try await redis.run(Self.readScript, keys: keys, arguments: [Self.milliseconds(ttl)]).array ?? []
                generation = reply.first?.string
                if reply.count > 1, reply[1] == .integer(1) {
                    return try reply.dropFirst(2).compactMap { $0.string }.map { try JSONDecoder().decode(Turn.self, from: Data($0.utf8)) }
                }
            } catch {
                logger.warning(
                    "recent turns not read from redis",
                    metadata: ["conversation_id": "\(conversationID.lowercased)", "error": "\(error)"]
                )
            }
        }
        let turns: [Turn] = try await database.query(
            """
            SELECT seq, role, text, run_id FROM agent.messages WHERE conversation_id = \(conversationID)
            ORDER BY seq DESC LIMIT \(Self.limit)
            """
        ).map { row in
            let (seq, role, text, runID) = try row.decode((Int64, String, String, UUID?).self)
            return Turn(seq: seq, role: role, text: text, runID: runID?.lowercased)
        }
        .reversed()
        if let redis, let generation {
            do {
                _ = try await redis.run(
                    Self.fillScript,
                    keys: keys,
                    arguments: [generation, Self.milliseconds(ttl)] + turns.flatMap { [String($0.seq), try Self.member($0)] }
                )
            } catch {
                logger.warning("recent turns not cached", metadata: ["conversation_id": "\(conversationID.lowercased)", "error": "\(error)"])
            }
        }
        return turns
    }

    /// Records a message just stored in PostgreSQL (nil: the conversation was deleted).
    func changed(_ conversationID: UUID, added turn: Turn?) async {
        guard let redis else { return }
        do {
            _ = try await redis.run(
                Self.changeScript,
                keys: [Self.key(conversationID), Self.generationKey(conversationID)],
                arguments: [Self.milliseconds(ttl), String(Self.limit)] + (try turn.map { [String($0.seq), try Self.member($0)] } ?? [])
            )
        } catch {
            // The cached turns may now miss this one until they expire; PostgreSQL has it.
            logger.warning("recent turns not updated", metadata: ["conversation_id": "\(conversationID.lowercased)", "error": "\(error)"])
        }
    }

    static func milliseconds(_ duration: Duration) -> String { String(Int64((duration.seconds * 1000).rounded(.up))) }

    static func member(_ turn: Turn) throws -> String {
        String(decoding: try JSONEncoder().encode(turn), as: UTF8.self)
    }

    // The set always holds a marker (score -1), so a conversation without messages is cached too.

    /// KEYS: set, generation. ARGV: ttl ms. Returns {generation, 1, turns...} on a hit, {generation, 0} on a miss.
    static let readScript = RedisScript(
        """
        local generation = redis.call('GET', KEYS[2]) or '0'
        if redis.call('EXISTS', KEYS[1]) == 0 then return {generation, 0} end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[1])
        local reply = {generation, 1}
        for _, turn in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], 0, '+inf')) do table.insert(reply, turn) end
        return reply
        """
    )

    /// KEYS: set, generation. ARGV: the generation read before PostgreSQL, ttl ms, then seq and turn pairs.
    static let fillScript = RedisScript(
        """
        if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('ZADD', KEYS[1], -1, '')
        for i = 3, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """
    )

    /// KEYS: set, generation. ARGV: ttl ms, limit, and the new turn's seq and turn (none: forget the set).
    static let changeScript = RedisScript(
        """
        redis.call('INCR', KEYS[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[1])
        if #ARGV < 4 then
            redis.call('DEL', KEYS[1])
        elseif redis.call('EXISTS', KEYS[1]) == 1 then
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
            redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[2]) + 1))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
        end
        return 1
        """
    )
}
