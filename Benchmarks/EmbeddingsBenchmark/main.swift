// `ops/bench-embeddings`: the local embedder's throughput on 128-token texts at batch sizes 1,
// 8 and 32, as a share of this machine's ceiling measured in the same run (one large sgemm on
// every core), and the latency of one 12-token query. Prints one JSON object.
//
//   embeddings-bench MODELS_DIR [SECONDS_PER_MEASURE]
import COpenBLAS
import Foundation
import Inference

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: embeddings-bench MODELS_DIR [SECONDS_PER_MEASURE]\n".utf8))
    exit(2)
}
let modelsDirectory = arguments[1]
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 3 : 3
let cores = MiniLMEmbedder.defaultConcurrency
/// About 21 MFLOP per token (6 layers of 2·(384·1152 + 384·384 + 2·384·1536) plus attention).
let flopPerToken = 21.1e6

/// GFLOP/s of square sgemm products of `size` on `threads` OpenBLAS threads, best of a few.
func sgemmCeiling(size: Int, threads: Int) -> Double {
    BLASThreads.set(threads)
    let a = [Float](repeating: 0.5, count: size * size)
    let b = [Float](repeating: 0.25, count: size * size)
    var c = [Float](repeating: 0, count: size * size)
    var best = 0.0
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        let start = DispatchTime.now().uptimeNanoseconds
        cblas_sgemm(
            CblasRowMajor,
            CblasNoTrans,
            CblasTrans,
            Int32(size),
            Int32(size),
            Int32(size),
            1,
            a,
            Int32(size),
            b,
            Int32(size),
            0,
            &c,
            Int32(size)
        )
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = max(best, 2 * Double(size * size * size) / elapsed / 1e9)
    } while Date() < deadline
    return best
}

/// A text of exactly `count` word pieces with `[CLS]` and `[SEP]`.
func text(ofTokens count: Int, tokenizer: WordPieceTokenizer) -> String {
    let words = "the quick brown fox jumps over the lazy dog while a search service indexes documents about embeddings".split(separator: " ")
    var pieces: [Substring] = []
    while tokenizer.tokenize(pieces.joined(separator: " ")).ids.count < count { pieces.append(words[pieces.count % words.count]) }
    let result = pieces.joined(separator: " ")
    precondition(tokenizer.tokenize(result).ids.count == count, "could not build a \(count)-token text")
    return result
}

/// Texts per second when `callers` tasks each embed batches of `batch` texts back to back.
func throughput(_ embedder: MiniLMEmbedder, text: String, batch: Int, callers: Int) async throws -> Double {
    let texts = Array(repeating: text, count: batch)
    _ = try await embedder.embed(texts)
    let start = DispatchTime.now().uptimeNanoseconds
    let deadline = Date().addingTimeInterval(seconds)
    let done = try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<callers {
            group.addTask {
                var count = 0
                repeat {
                    count += try await embedder.embed(texts).count
                } while Date() < deadline
                return count
            }
        }
        return try await group.reduce(0, +)
    }
    return Double(done) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

let ceilingAllCores = sgemmCeiling(size: 2048, threads: cores)
let ceilingOneCore = sgemmCeiling(size: 2048, threads: 1)
let model = try MiniLMModel.load(fromModelsDirectory: modelsDirectory)
let longText = text(ofTokens: 128, tokenizer: model.tokenizer)
let query = text(ofTokens: 12, tokenizer: model.tokenizer)
let ceilingTexts = ceilingAllCores * 1e9 / (flopPerToken * 128)

var batches: [[String: Double]] = []
for batch in [1, 8, 32] {
    let embedder = MiniLMEmbedder(model: model, maxBatchSize: batch, concurrency: cores)
    let rate = try await throughput(embedder, text: longText, batch: batch, callers: cores)
    batches.append(["batch": Double(batch), "texts_per_second": rate, "share_of_ceiling": rate / ceilingTexts])
}

let embedder = MiniLMEmbedder(model: model, concurrency: cores)
_ = try await embedder.embed([query])
var latencies: [Double] = []
let latencyDeadline = Date().addingTimeInterval(seconds)
repeat {
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try await embedder.embed([query])
    latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
} while Date() < latencyDeadline || latencies.count < 100
let sortedLatencies = latencies.sorted()
func percentile(_ p: Double, of sorted: [Double]) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }

let report: [String: Any] = [
    "cores": cores,
    "sgemm_gflops_all_cores": ceilingAllCores,
    "sgemm_gflops_one_core": ceilingOneCore,
    "ceiling_texts_per_second": ceilingTexts,
    "throughput_128_tokens": batches,
    "query_12_tokens_ms": [
        "p50": percentile(0.5, of: sortedLatencies), "p99": percentile(0.99, of: sortedLatencies), "samples": Double(sortedLatencies.count),
    ],
]
print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
