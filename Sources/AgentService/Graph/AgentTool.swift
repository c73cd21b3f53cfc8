import Foundation
import ServiceKit
import ServiceKitHTTPClient

/// The tools the model may call in llm mode: the rule graph's own steps, so a tool call leads
/// to the node the matching intent would (searching goes to `retrieve`, a side effect to
/// `propose_action` and a person's approval). Replying needs no tool: it is the model's text.
enum AgentTool: Codable, Sendable, Equatable {
    case searchDocuments(query: String)
    case jobStatus(jobID: String)
    case notifyTeam(message: String, channel: String?)
    case pageOncall(message: String)
    case createTicket(message: String)

    /// Why a tool call cannot be carried out; the turn falls back to the rule graph.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    var name: String {
        switch self {
        case .searchDocuments: "search_documents"
        case .jobStatus: "job_status"
        case .notifyTeam: "notify_team"
        case .pageOncall: "page_oncall"
        case .createTicket: "create_ticket"
        }
    }

    /// The rule graph's intent for the same step.
    var intent: String {
        switch self {
        case .searchDocuments: "ask_question"
        default: name
        }
    }

    var node: NodeName {
        switch self {
        case .searchDocuments: .retrieve
        case .jobStatus: .jobStatus
        case .notifyTeam, .pageOncall, .createTicket: .proposeAction
        }
    }

    /// The action's message, for the tools that act.
    var message: String? {
        switch self {
        case .notifyTeam(let message, _), .pageOncall(let message), .createTicket(let message): message
        case .searchDocuments, .jobStatus: nil
        }
    }

    /// The tools offered: `create_ticket` only when a ticket webhook is configured.
    static func definitions(tickets: Bool) -> [ChatTool] {
        func tool(_ name: String, _ description: String, _ properties: [String: String], required: [String]) -> ChatTool {
            ChatTool(
                name: name,
                description: description,
                parameters: .object([
                    "type": .string("object"),
                    "properties": .object(properties.mapValues { .object(["type": .string("string"), "description": .string($0)]) }),
                    "required": .array(required.map(AnyJSON.string)),
                ])
            )
        }
        let approval = " A person approves it before anything is sent; propose at most one action."
        return [
            tool(
                "search_documents",
                "Search the indexed documents; answer only from the numbered passages it returns, citing them as [n].",
                ["query": "What to search for."],
                required: ["query"]
            ),
            tool("job_status", "Where an upload's processing job stands.", ["job_id": "The job's id, a UUID."], required: ["job_id"]),
            tool(
                "notify_team",
                "Post a message to the team on Slack." + approval,
                ["message": "What to post.", "channel": "A Slack channel such as #ops; the default channel when left out."],
                required: ["message"]
            ),
            tool("page_oncall", "Page the on-call engineer through PagerDuty." + approval, ["message": "What the page says."], required: ["message"]),
        ]
            + (tickets
                ? [tool("create_ticket", "Open a ticket." + approval, ["message": "What the ticket says."], required: ["message"])] : [])
    }

    /// The tool `call` asks for, its arguments checked; throws ``Refusal`` for a tool not
    /// offered or arguments that are not what its schema asks.
    init(_ call: ToolCall, tickets: Bool) throws(Refusal) {
        guard case .object(let arguments) = call.parsedArguments else {
            throw Refusal(description: "the arguments of \(call.name) are not a JSON object")
        }
        /// nil when left out; a value that is not a non-empty string is refused.
        func optional(_ field: String) throws(Refusal) -> String? {
            switch arguments[field] {
            case nil, .null?: return nil
            case .string(let value) where !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty: return value
            default: throw Refusal(description: "\(call.name) needs \(field) as a non-empty string")
            }
        }
        func required(_ field: String) throws(Refusal) -> String {
            guard let value = try optional(field) else { throw Refusal(description: "\(call.name) needs \(field)") }
            return value
        }
        switch call.name {
        case "search_documents":
            self = .searchDocuments(query: try required("query"))
        case "job_status":
            let id = try required("job_id").trimmingCharacters(in: .whitespaces)
            guard let jobID = JobStatusNode.jobID(in: id), jobID.count == id.count else {
                throw Refusal(description: "job_status needs job_id as a UUID")
            }
            self = .jobStatus(jobID: jobID)
        case "notify_team":
            let channel = try optional("channel")
            if let channel, ProposeActionNode.channel(in: channel) != channel {
                throw Refusal(description: "notify_team needs channel as a Slack channel such as #ops")
            }
            self = .notifyTeam(message: try required("message"), channel: channel)
        case "page_oncall":
            self = .pageOncall(message: try required("message"))
        case "create_ticket" where tickets:
            self = .createTicket(message: try required("message"))
        default:
            throw Refusal(description: "the model called \(call.name), which is not one of its tools")
        }
    }
}
