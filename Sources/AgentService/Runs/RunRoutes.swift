import Foundation
import Hummingbird
import ServiceKit

/// agent's run endpoints: a run's status and steps, its events as SSE, and a person's
/// decisions on it (approve, reject, cancel).
struct RunRoutes: Sendable {
    let runs: RunStore
    let scheduler: RunScheduler
    let stream: RunEventStream
    let events: RunEventLog
    let metrics: AgentMetrics
    let settings: AgentSettings
    let owner: String

    static func add(
        to routes: ServiceRoutes,
        scheduler: RunScheduler?,
        stream: RunEventStream,
        events: RunEventLog,
        metrics: AgentMetrics,
        settings: AgentSettings,
        owner: String
    ) {
        let environment = routes.environment
        func using<Output: ResponseGenerator & Sendable>(
            _ body: @escaping @Sendable (RunRoutes, Request, ServiceRequestContext) async throws -> Output
        ) -> @Sendable (Request, ServiceRequestContext) async throws -> Output {
            { request, context in
                let database = try environment.requireDatabase()
                guard let scheduler else { throw HTTPError(.serviceUnavailable, message: "The database is not configured.") }
                let handlers = RunRoutes(
                    runs: RunStore(database: database),
                    scheduler: scheduler,
                    stream: stream,
                    events: events,
                    metrics: metrics,
                    settings: settings,
                    owner: owner
                )
                return try await body(handlers, request, context)
            }
        }

        routes.get(
            "/v1/runs/{id}",
            summary: "A run: status (running, awaiting_approval, completed, failed, cancelled), the current node and the steps so far.",
            responses: [.ok: .json(RunView.self, "The run."), .notFound: "No such run."],
            handler: using { handlers, _, context in
                guard let run = try await handlers.runs.view(try Self.id(context)) else { throw HTTPError(.notFound, message: "No such run.") }
                return JSONResponse(run)
            }
        )
        routes.get(
            "/v1/runs/{id}/events",
            summary: "Server-Sent Events of a run; Last-Event-ID resumes on any replica; ends after the run does.",
            responses: [
                .ok: .eventStream("The run's events."), .notFound: "No such run.",
                .serviceUnavailable: "Too many open event streams (Retry-After).",
            ],
            handler: using { handlers, request, context in
                let id = try Self.id(context)
                guard try await handlers.runs.load(id) != nil else { throw HTTPError(.notFound, message: "No such run.") }
                return try handlers.stream.response(id, request: request)
            }
        )
        routes.post(
            "/v1/runs/{id}/approve",
            summary: "Approves the proposed action of a run awaiting approval, optionally edited; the body may be left out.",
            body: .json(Decision.self).optional,
            responses: [
                .accepted: .json(DecisionView.self, "The run carries on."), .notFound: "No such run.",
                .conflict: "The run is not awaiting approval.", .unprocessableContent: "Invalid edits, each named.",
            ],
            idempotent: true,
            handler: using { try await $0.decide($1, $2, .approved) }
        )
        routes.post(
            "/v1/runs/{id}/reject",
            summary: "Rejects the proposed action of a run awaiting approval; nothing is sent.",
            responses: [
                .accepted: .json(DecisionView.self, "The run carries on to its reply."), .notFound: "No such run.",
                .conflict: "The run is not awaiting approval.",
            ],
            idempotent: true,
            handler: using { try await $0.decide($1, $2, .rejected) }
        )
        routes.post(
            "/v1/runs/{id}/cancel",
            summary: "Cancels a run that is running or awaiting approval.",
            responses: [.accepted: .json(DecisionView.self, "Cancelled."), .notFound: "No such run.", .conflict: "The run has ended already."],
            idempotent: true,
            handler: using { try await $0.cancel($1, $2) }
        )
    }

    static func id(_ context: ServiceRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw HTTPError(.notFound, message: "No such run.") }
        return id
    }

    struct Decision: APIModel {
        struct Edits: APIModel {
            let target: String?
            let message: String?

            static var fieldConstraints: [String: FieldConstraint] { ["target": .length(1...2000)] }
            static var schemaName: String { "ActionEdits" }
        }

        let action: Edits?
    }

    struct DecisionView: APIModel, ResponseEncodable {
        let runID: String
        let status: String
        let eventsURL: String

        enum CodingKeys: String, CodingKey {
            case status
            case runID = "run_id"
            case eventsURL = "events_url"
        }

        static var fieldConstraints: [String: FieldConstraint] {
            ["run_id": .format("uuid"), "status": .oneOf(RunStatus.allCases.map(\.rawValue))]
        }
    }

    func decide(_ request: Request, _ context: ServiceRequestContext, _ approval: Approval) async throws -> JSONResponse<DecisionView> {
        let id = try Self.id(context)
        let bytes = Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        let edits =
            bytes.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) ? nil : try request.decodeJSON(as: Decision.self, bodyBytes: bytes).action
        var problems: [FieldError] = []
        if let target = edits?.target, target.trimmingCharacters(in: .whitespaces).isEmpty || target.count > 2000 {
            problems.append(FieldError(field: "action.target", message: "must be 1 to 2000 characters"))
        }
        if let message = edits?.message,
            message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || message.unicodeScalars.count > settings.maxCharacters
        {
            problems.append(FieldError(field: "action.message", message: "must be 1 to \(settings.maxCharacters) characters"))
        }
        guard problems.isEmpty else { throw ValidationError(fields: problems, detail: "The edited action is not valid.") }
        switch try await runs.decide(id, approval, target: edits?.target, message: edits?.message, owner: owner, lease: settings.runLease) {
        case .applied:
            scheduler.drive(id, requestID: context.requestID)
            return JSONResponse(
                DecisionView(runID: id.lowercased, status: RunStatus.running.rawValue, eventsURL: RunEventStream.path(id)),
                status: .accepted
            )
        case .notFound:
            throw HTTPError(.notFound, message: "No such run.")
        case .conflict(let status):
            throw HTTPError(.conflict, message: "The run is \(status.rawValue), not awaiting approval.")
        }
    }

    func cancel(_ request: Request, _ context: ServiceRequestContext) async throws -> JSONResponse<DecisionView> {
        let id = try Self.id(context)
        switch try await runs.cancel(id) {
        case .applied(let conversationID):
            metrics.recordRun(.cancelled)
            await events.append(
                RunEvent(kind: .runCancelled, runID: id, conversationID: conversationID, data: ["status": .string(RunStatus.cancelled.rawValue)])
            )
            return JSONResponse(
                DecisionView(runID: id.lowercased, status: RunStatus.cancelled.rawValue, eventsURL: RunEventStream.path(id)),
                status: .accepted
            )
        case .notFound:
            throw HTTPError(.notFound, message: "No such run.")
        case .conflict(let status):
            throw HTTPError(.conflict, message: "The run is \(status.rawValue) already.")
        }
    }
}
