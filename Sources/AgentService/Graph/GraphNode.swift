/// One step of the agent's graph. A node reads and updates the run's state, may emit
/// events, and names where the run goes next (its conditional edge). Nodes handle their
/// dependencies' failures themselves: a dependency that is down degrades the step
/// (``NodeOutcome/degraded``) rather than failing the run.
protocol GraphNode: Sendable {
    var name: NodeName { get }
    func run(_ state: inout RunState, _ context: NodeContext) async throws -> NodeOutcome
}

/// Where a run goes after a node.
enum Transition: Sendable, Equatable {
    /// On to another node.
    case next(NodeName)
    /// Paused until a person approves or rejects (the run is `awaiting_approval`).
    case suspend
    /// The run is complete.
    case finish
}

/// A node's result: the transition, and why the step degraded if it did.
struct NodeOutcome: Sendable {
    let transition: Transition
    let degraded: String?

    static func next(_ node: NodeName) -> NodeOutcome { NodeOutcome(transition: .next(node), degraded: nil) }

    static func degraded(_ reason: String, next node: NodeName) -> NodeOutcome { NodeOutcome(transition: .next(node), degraded: reason) }
}
