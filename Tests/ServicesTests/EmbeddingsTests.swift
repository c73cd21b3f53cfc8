import Foundation
import RAGService
import ServiceKit
import TestSupport
import Testing

/// rag's `POST /v1/embeddings`: OpenAI's request and response shapes over the local model,
/// 422 for bad input, and the usual auth, rate limit and idempotency.
@Suite struct EmbeddingsTests {
    static func post(_ service: RunningService, _ body: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await service.send(.POST, "/v1/embeddings", headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    static func vectors(_ response: TestHTTPResponse) throws -> [[Double]] {
        let data = try #require(try response.json["data"] as? [[String: Any]])
        return try data.map { try #require($0["embedding"] as? [Double]) }
    }

    @Test func answersInOpenAIsShapeWithThePublishedSimilarity() async throws {
        try await RunningService.with(RAGService.definition) { service in
            let response = try await Self.post(
                service,
                #"{"input": ["The weather is lovely today.", "It's so sunny outside!"], "model": "all-MiniLM-L6-v2"}"#
            )
            #expect(response.status == 200, "\(response.body)")
            let json = try response.json
            #expect(json["object"] as? String == "list")
            #expect(json["model"] as? String == "all-MiniLM-L6-v2")
            let data = try #require(json["data"] as? [[String: Any]])
            #expect(data.map { $0["object"] as? String } == ["embedding", "embedding"])
            #expect(data.map { $0["index"] as? Int } == [0, 1])
            let vectors = try Self.vectors(response)
            #expect(vectors.map(\.count) == [384, 384])
            #expect(abs(vectors[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
            // sentence-transformers' documentation gives 0.6660 for this pair.
            let similarity = zip(vectors[0], vectors[1]).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(similarity - 0.6660) < 1e-3, "similarity \(similarity)")
            let usage = try #require(json["usage"] as? [String: Int])
            #expect(usage == ["prompt_tokens": 17, "total_tokens": 17])

            let single = try await Self.post(
                service,
                #"{"input": "The weather is lovely today.", "model": "all-MiniLM-L6-v2", "encoding_format": "base64"}"#
            )
            #expect(single.status == 200)
            let text = try #require((try single.json["data"] as? [[String: Any]])?.first?["embedding"] as? String)
            let bytes = try #require(Data(base64Encoded: text))
            let decoded = stride(from: 0, to: bytes.count, by: 4).map {
                Double(Float(bitPattern: UInt32(littleEndian: bytes[$0..<$0 + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })))
            }
            #expect(decoded.count == 384)
            #expect(zip(decoded, vectors[0]).allSatisfy { abs($0 - $1) < 1e-6 })
        }
    }

    @Test(arguments: [
        (#"{"input": [], "model": "all-MiniLM-L6-v2"}"#, "input"),
        (#"{"input": ["fine", 3], "model": "all-MiniLM-L6-v2"}"#, "input[1]"),
        (#"{"input": 42, "model": "all-MiniLM-L6-v2"}"#, "input"),
        (#"{"model": "all-MiniLM-L6-v2"}"#, "input"),
        (#"{"input": "hello", "model": "text-embedding-3-small"}"#, "model"),
        (#"{"input": "hello"}"#, "model"),
        (#"{"input": "hello", "model": "all-MiniLM-L6-v2", "dimensions": 256}"#, "dimensions"),
        (#"{"input": "hello", "model": "all-MiniLM-L6-v2", "encoding_format": "int8"}"#, "encoding_format"),
        (#"not json"#, "body"),
    ])
    func badInputIsA422NamingTheField(body: String, field: String) async throws {
        try await RunningService.with(RAGService.definition) { service in
            let response = try await Self.post(service, body)
            #expect(response.status == 422, "\(response.body)")
            #expect(response.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            let errors = try #require(try response.json["errors"] as? [[String: String]])
            #expect(errors.map { $0["field"] } == [field], "\(response.body)")
        }
    }

    @Test func moreThanTheConfiguredNumberOfTextsIsA422() async throws {
        try await RunningService.with(RAGService.definition, settings: ["EMBED_MAX_INPUTS": "3"]) { service in
            #expect(try await Self.post(service, #"{"input": ["a", "b", "c"], "model": "all-MiniLM-L6-v2"}"#).status == 200)
            let response = try await Self.post(service, #"{"input": ["a", "b", "c", "d"], "model": "all-MiniLM-L6-v2"}"#)
            #expect(response.status == 422)
            #expect(response.body.contains("at most 3"))
        }
    }

    @Test func authRateLimitsAndIdempotencyApply() async throws {
        let settings = ["AUTH_ENABLED": "1", "SERVICE_API_KEY": "embeddings-test-key", "RATE_LIMIT_ENDPOINTS": "POST /v1/embeddings=3/minute"]
        try await RunningService.with(RAGService.definition, settings: settings) { service in
            let body = #"{"input": "hello", "model": "all-MiniLM-L6-v2"}"#
            #expect(try await Self.post(service, body).status == 401)
            let key = ("Authorization", "Bearer embeddings-test-key")
            let idempotency = ("Idempotency-Key", "embeddings-\(UUID().uuidString)")
            let first = try await Self.post(service, body, headers: [key, idempotency])
            #expect(first.status == 200)
            let replay = try await Self.post(service, body, headers: [key, idempotency])
            #expect(replay.status == 200)
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.body == first.body)
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await Self.post(service, body, headers: [key]).status) }
            #expect(statuses.last == 429, "\(statuses)")
        }
    }

    @Test func aMissingModelFolderStopsStartUpNamingTheFileAndTheFix() async throws {
        let missing = "/nonexistent/models-\(UUID().uuidString)"
        await #expect {
            try await RunningService.with(RAGService.definition, settings: ["MODELS_DIR": missing]) { _ in }
        } throws: { error in
            "\(error)".contains("\(missing)/all-MiniLM-L6-v2 does not exist") && "\(error)".contains("ops/models")
        }
        let process = try ServiceProcess("rag", environment: ["MODELS_DIR": missing])
        let status = await process.child.waitForExit(timeout: .seconds(30))
        #expect(status == 1)
        #expect(process.child.output.contains("run ops/models"), "\(process.child.output)")
    }
}
