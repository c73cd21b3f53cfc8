import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import ServiceKit

/// A service with routes that exercise each middleware: JSON validation, a route with its
/// own body limit, a templated path, slow handlers (one with a timeout of its own), one that fails, and one that notes each
/// key it handles (so a test can tell whether a handler ran).
enum Fixtures {
    /// The keys `/v1/mark/{key}` handled.
    static let marked = NIOLockedValueBox(Set<String>())

    struct Greeting: Codable, ResponseEncodable {
        let name: String
        let count: Int
    }

    struct InternalFailure: Error, CustomStringConvertible {
        var description: String { "connection to postgresql://admin:hunter2@db failed" }
    }

    static let service = ServiceDefinition(
        name: "fixture",
        defaultPort: 0,
        addRoutes: { routes in
            routes.post("/v1/echo", summary: "Echoes a greeting.", responses: [.ok: "The greeting.", .unprocessableContent: "Invalid greeting."]) {
                request,
                context in
                let greeting = try await request.decodeJSON(as: Greeting.self, context: context)
                guard greeting.count >= 0 else { throw ValidationError(field: "count", message: "must not be negative") }
                return greeting
            }
            routes.post("/v1/upload", summary: "Counts the bytes of a larger body.", responses: [.ok: "Byte count."], bodyLimit: 4096) {
                request,
                context in
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                return "\(body.readableBytes)"
            }
            routes.post("/v1/count", summary: "Counts the bytes of a body.", responses: [.ok: "Byte count."]) { request, context in
                let body = try await request.body.collect(upTo: .max)
                return "\(body.readableBytes)"
            }
            routes.get("/v1/items/{id}", summary: "Echoes an item id.", responses: [.ok: "The id."]) { _, context in
                context.parameters.get("id") ?? ""
            }
            routes.get("/v1/slow", summary: "Answers after ?seconds=.", responses: [.ok: "Slept."]) { request, _ in
                let seconds = request.uri.queryParameters.get("seconds", as: Double.self) ?? 1
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                return "slept"
            }
            routes.on(
                .get,
                "/v1/patient",
                summary: "Answers after ?seconds=, within a timeout of its own.",
                responses: [.ok: "Slept."],
                timeout: .seconds(4)
            ) {
                request,
                _ in
                let seconds = request.uri.queryParameters.get("seconds", as: Double.self) ?? 1
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                return "slept"
            }
            routes.get("/v1/mark/{key}", summary: "Notes the key.", responses: [.ok: "The key."]) { _, context in
                let key = context.parameters.get("key") ?? ""
                marked.withLockedValue { _ = $0.insert(key) }
                return key
            }
            routes.get("/v1/boom", summary: "Fails.", responses: [.internalServerError: "Always."]) { _, _ -> String in
                throw InternalFailure()
            }
        }
    )
}
