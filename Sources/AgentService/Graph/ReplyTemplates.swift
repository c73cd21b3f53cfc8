/// The rule-mode wording of replies that need no lookup: conversational intents, what the
/// agent cannot do, and what it says when a step could not be done.
enum ReplyTemplates {
    static let capabilities =
        "I can answer questions from the indexed documents, tell you where an upload's job stands, notify the team on Slack, page the on-call engineer or open a ticket (each after you approve it)."

    static func reply(for intent: String?) -> String {
        switch intent {
        case "greet": "Hello! " + capabilities
        case "thanks": "You're welcome."
        case "help": capabilities
        case "smalltalk": "I'm the team's assistant, happy to help. " + capabilities
        case "goodbye": "Goodbye!"
        case "affirm": "Okay."
        case "deny": "Alright, I'll leave it."
        case "cancel": "Okay, nothing more will be done."
        default: "I can't help with that. " + capabilities
        }
    }

    static func understandingUnavailable(_ reason: String) -> String {
        "I could not understand your message because the language service (nlu) is unavailable (\(reason)). Please try again shortly."
    }

    static func searchUnavailable(_ reason: String) -> String {
        "I could not search the documents because the retrieval service (rag) is unavailable (\(reason)), so I cannot answer that right now."
    }

    static func answerUnavailable(_ reason: String, titles: [String]) -> String {
        let found = titles.isEmpty ? "" : " Passages that may help are in: \(titles.joined(separator: ", "))."
        return "I could not compose an answer because the retrieval service (rag) failed (\(reason))." + found
    }

    static let jobIDMissing = "Which job do you mean? Tell me its id (a UUID such as the job_id an upload answered)."

    static func jobNotFound(_ id: String) -> String { "I found no job \(id)." }

    static func job(_ job: IngestionClient.Job) -> String {
        let error = job.error.map { " Last error: \($0)." } ?? ""
        return "Job \(job.id) (\(job.kind)) is \(job.status) after \(job.attempts) attempt(s).\(error)"
    }

    static func jobsUnavailable(_ reason: String) -> String {
        "I could not look the job up because ingestion is unavailable (\(reason))."
    }

    static let ticketsUnconfigured = "I can't open tickets here: no ticket webhook is configured (AGENT_TICKET_WEBHOOK_URL)."

    static func describe(_ action: ProposedAction) -> String {
        switch action.tool {
        case "page_oncall": "page the on-call engineer through PagerDuty"
        case "notify_team": "post to \(action.target) on Slack"
        default: "open a ticket"
        }
    }

    static func rejected(_ action: ProposedAction) -> String { "Okay, I won't \(describe(action))." }

    static func acted(_ action: ProposedAction, _ result: ActionResult) -> String {
        switch result.status {
        case "delivered": "Done: I was asked to \(describe(action)), and it was delivered (delivery \(result.deliveryID ?? ""))."
        case "queued", "sending": "I asked integrations to \(describe(action)); delivery \(result.deliveryID ?? "") is not confirmed yet."
        default: "I could not \(describe(action)): \(result.error ?? result.status)."
        }
    }

    static func actionUnavailable(_ action: ProposedAction, _ reason: String) -> String {
        "I could not \(describe(action)) because integrations is unavailable (\(reason))."
    }

    /// The reply in a few pieces for `token` events; joined, they are the reply.
    static func tokens(_ reply: String, pieces: Int = 4) -> [String] {
        let words = reply.split(separator: " ", omittingEmptySubsequences: false)
        let size = max(1, (words.count + pieces - 1) / pieces)
        return stride(from: 0, to: words.count, by: size).map { start in
            let piece = words[start..<min(start + size, words.count)].joined(separator: " ")
            return start + size < words.count ? piece + " " : piece
        }
    }
}
