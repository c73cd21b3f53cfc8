import Foundation
import LanguageUnderstanding
import Testing

/// The VADER rules over the real lexicon (fetched by `ops/models`), checked against the
/// scores VADER's authors publish for these sentences and against each rule's direction.
@Suite struct SentimentAnalyzerTests {
    static let lexiconFile: URL = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let models =
            ProcessInfo.processInfo.environment["MODELS_DIR"].map { URL(fileURLWithPath: $0) } ?? repository.appendingPathComponent(".run/models")
        return models.appendingPathComponent("vader/vader_lexicon.txt")
    }()

    let analyzer: SentimentAnalyzer

    init() throws {
        let lexicon = try #require(try? ValenceLexicon(contentsOf: Self.lexiconFile), "no lexicon at \(Self.lexiconFile.path): run ops/models")
        analyzer = SentimentAnalyzer(lexicon: lexicon)
    }

    func score(_ text: String) -> Double { analyzer.sentiment(of: text).score }

    /// The compound scores in vaderSentiment's README (version 3.3.2).
    @Test(arguments: [
        ("VADER is smart, handsome, and funny.", 0.8316),
        ("VADER is smart, handsome, and funny!", 0.8439),
        ("VADER is very smart, handsome, and funny.", 0.8545),
        ("VADER is VERY SMART, handsome, and FUNNY.", 0.9227),
        ("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
        ("VADER is not smart, handsome, nor funny.", -0.7424),
        ("The book was good.", 0.4404),
        ("At least it isn't a horrible book.", 0.431),
        ("The book was only kind of good.", 0.3832),
        ("The plot was good, but the characters are uncompelling and the dialog is not great.", -0.7042),
        ("Today SUX!", -0.5461),
        ("Not bad at all", 0.431),
    ])
    func matchesPublishedScores(text: String, expected: Double) {
        #expect(abs(score(text) - expected) < 0.0005, "\(text): \(score(text))")
    }

    @Test func negationFlipsTheWordAfterIt() {
        #expect(score("the release was good") > 0.05)
        #expect(score("the release was not good") < -0.05)
        #expect(score("the release wasn't good") < -0.05)
        #expect(score("the release was never good") < -0.05)
    }

    @Test func intensifiersStrengthenAndDampenersWeaken() {
        #expect(score("the fix is extremely good") > score("the fix is good"))
        #expect(score("the fix is slightly good") < score("the fix is good"))
        #expect(score("the outage was very bad") < score("the outage was bad"))
    }

    @Test func butWeighsWhatFollowsIt() {
        #expect(score("the food was great but the service was awful") < 0)
        #expect(score("the service was awful but the food was great") > 0)
    }

    @Test func capitalsEmphasiseOnlyInMixedCaseText() {
        #expect(score("this is GREAT news") > score("this is great news"))
        #expect(score("THIS IS GREAT NEWS") == score("this is great news"))
    }

    @Test func exclamationMarksAddUpToFour() {
        #expect(score("great!") > score("great"))
        #expect(score("great!!!") > score("great!"))
        #expect(score("great!!!!!!!") == score("great!!!!"))
    }

    @Test func labelsAndBounds() {
        #expect(analyzer.sentiment(of: "thanks, that was wonderful").label == .positive)
        #expect(analyzer.sentiment(of: "this is terrible and broken").label == .negative)
        #expect(analyzer.sentiment(of: "the meeting is at noon").label == .neutral)
        #expect(analyzer.sentiment(of: "").score == 0)
        let extreme = score("GREAT GREAT GREAT love love love best amazing wonderful superb!!!! awesome")
        #expect(extreme <= 1 && extreme > 0.95)
    }

    @Test func contributionsExplainTheScore() {
        let parts = analyzer.contributions("not good")
        #expect(parts.map(\.token) == ["not", "good"])
        #expect(parts[0].valence == 0)
        #expect(parts[1].valence < 0)
    }
}
