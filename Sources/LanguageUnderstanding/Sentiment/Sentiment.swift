/// The sentiment of a text: `positive`, `neutral` or `negative`, and a score from −1 to 1
/// (VADER's compound score; ±0.05 separate the labels).
public struct Sentiment: Sendable, Equatable, Codable {
    public enum Label: String, Sendable, Codable, CaseIterable { case positive, neutral, negative }

    public let label: Label
    public let score: Double

    public init(score: Double) {
        self.score = score
        label = score >= 0.05 ? .positive : score <= -0.05 ? .negative : .neutral
    }
}
