/// The conditional edge out of `understand`: which node handles an intent.
enum IntentRoute {
    /// Intents that ask for a side effect, and so for a person's approval first.
    static let actions: Set<String> = ["notify_team", "page_oncall", "create_ticket"]

    static func node(for intent: String) -> NodeName {
        switch intent {
        case "ask_question": .retrieve
        case "job_status": .jobStatus
        case _ where actions.contains(intent): .proposeAction
        default: .reply
        }
    }
}
