import Foundation

/// VADER-style sentiment (Hutto and Gilbert, 2014): each word's valence from the lexicon,
/// shifted by the words before it (intensifiers and dampeners, negations up to three words
/// back, `least`), ALL CAPS in a text that is not all caps, contrast after `but`, and
/// exclamation and question marks, summed and squashed to −1 … 1. Every step is a rule a
/// reader can follow, so a score can be explained word by word (``contributions(_:)``).
public struct SentimentAnalyzer: Sendable {
    public let lexicon: ValenceLexicon

    static let boosterStep = 0.293
    static let capsStep = 0.733
    static let negationScalar = -0.74
    static let exclamationStep = 0.292
    /// `alpha` of the normalisation x / sqrt(x² + alpha).
    static let normalisation = 15.0

    static let negations: Set<String> = [
        "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't", "aren't", "can't", "couldn't",
        "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither", "don't",
        "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't", "neednt", "needn't", "never", "none", "nope", "nor", "not",
        "nothing", "nowhere", "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent", "oughtn't", "shan't", "shouldn't",
        "uh-uh", "wasn't", "weren't", "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
    ]
    static let intensifiers: Set<String> = [
        "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably", "decidedly", "deeply", "effing",
        "enormous", "enormously", "entirely", "especially", "exceptional", "exceptionally", "extreme", "extremely", "fabulously",
        "flipping", "flippin", "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully", "fuckin", "fucking",
        "greatly", "hella", "highly", "hugely", "incredible", "incredibly", "intensely", "major", "majorly", "more", "most",
        "particularly", "purely", "quite", "really", "remarkably", "so", "substantially", "thoroughly", "total", "totally",
        "tremendous", "tremendously", "uber", "unbelievably", "unusually", "utter", "utterly", "very",
    ]
    static let dampeners: Set<String> = [
        "almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little", "marginal", "marginally", "occasional",
        "occasionally", "partly", "scarce", "scarcely", "slight", "slightly", "somewhat", "sorta", "sortof", "sort-of",
    ]

    static let phraseDampeners: Set<String> = ["kind of", "sort of", "just enough"]

    public init(lexicon: ValenceLexicon) {
        self.lexicon = lexicon
    }

    public func sentiment(of text: String) -> Sentiment {
        let valences = contributions(text).map(\.valence)
        guard !valences.isEmpty else { return Sentiment(score: 0) }
        var sum = valences.reduce(0, +)
        let emphasis = Self.punctuationEmphasis(text)
        if sum > 0 { sum += emphasis } else if sum < 0 { sum -= emphasis }
        return Sentiment(score: max(-1, min(1, sum / (sum * sum + Self.normalisation).squareRoot())))
    }

    /// Each token with the valence it adds after every rule, in text order.
    public func contributions(_ text: String) -> [(token: String, valence: Double)] {
        let tokens = Self.tokens(of: text)
        let lowered = tokens.map { $0.lowercased() }
        let capsDiffer = Self.capsDiffer(tokens)
        var valences: [Double] = []
        for index in tokens.indices {
            let word = lowered[index]
            if Self.intensifiers.contains(word) || Self.dampeners.contains(word)
                || (word == "kind" && index + 1 < tokens.count && lowered[index + 1] == "of")
            {
                valences.append(0)
                continue
            }
            valences.append(valence(at: index, tokens: tokens, lowered: lowered, capsDiffer: capsDiffer))
        }
        // After "but" the speaker means it; before it, less so.
        if let but = lowered.firstIndex(of: "but") {
            for index in valences.indices where index != but {
                valences[index] *= index < but ? 0.5 : 1.5
            }
        }
        return Array(zip(tokens, valences))
    }

    private func valence(at index: Int, tokens: [String], lowered: [String], capsDiffer: Bool) -> Double {
        let word = lowered[index]
        guard var valence = lexicon[word] else { return 0 }
        // "no" before a sentiment word negates that word rather than carrying its own valence.
        if word == "no", index + 1 < tokens.count, lexicon[lowered[index + 1]] != nil { return 0 }
        if (index > 0 && lowered[index - 1] == "no") || (index > 1 && lowered[index - 2] == "no")
            || (index > 2 && lowered[index - 3] == "no" && ["or", "nor"].contains(lowered[index - 1]))
        {
            valence *= Self.negationScalar
        }
        if capsDiffer, Self.isAllCaps(tokens[index]) { valence += valence > 0 ? Self.capsStep : -Self.capsStep }
        for distance in 1...3 where index >= distance {
            let before = lowered[index - distance]
            if lexicon[before] == nil {
                var boost = booster(tokens[index - distance], valence: valence, capsDiffer: capsDiffer)
                if distance == 2 { boost *= 0.95 }
                if distance == 3 { boost *= 0.9 }
                valence += boost
                valence = negated(valence, lowered: lowered, index: index, distance: distance)
                // Two-word dampeners ("kind of good") are seen from the word three back, as VADER does.
                if distance == 3 {
                    let grams = [lowered[(index - 3)..<index], lowered[(index - 3)..<(index - 1)], lowered[(index - 2)..<index]]
                    for gram in grams where Self.phraseDampeners.contains(gram.joined(separator: " ")) { valence -= Self.boosterStep }
                }
            }
        }
        // "least" negates, except in "at least" and "very least".
        if index > 0, lowered[index - 1] == "least", lexicon["least"] == nil {
            if index == 1 || !["at", "very"].contains(lowered[index - 2]) { valence *= Self.negationScalar }
        }
        return valence
    }

    private func booster(_ token: String, valence: Double, capsDiffer: Bool) -> Double {
        let word = token.lowercased()
        var step: Double
        if Self.intensifiers.contains(word) {
            step = Self.boosterStep
        } else if Self.dampeners.contains(word) {
            step = -Self.boosterStep
        } else {
            return 0
        }
        if valence < 0 { step = -step }
        if capsDiffer, Self.isAllCaps(token) { step += valence > 0 ? Self.capsStep : -Self.capsStep }
        return step
    }

    /// A negation `distance` words back flips and dampens; "never so/this" intensifies instead,
    /// and "without doubt" is not a negation.
    private func negated(_ valence: Double, lowered: [String], index: Int, distance: Int) -> Double {
        let negator = lowered[index - distance]
        let between = lowered[(index - distance + 1)..<index]
        if distance > 1, negator == "never", between.contains(where: { $0 == "so" || $0 == "this" }) { return valence * 1.25 }
        if distance > 1, negator == "without", between.contains("doubt") { return valence }
        return Self.isNegation(negator) ? valence * Self.negationScalar : valence
    }

    static func isNegation(_ word: String) -> Bool {
        negations.contains(word) || word.contains("n't")
    }

    /// Whitespace-separated tokens without surrounding punctuation, except where stripping
    /// would leave two characters or fewer (emoticons such as `:)` stay); one-character tokens are dropped.
    static func tokens(of text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).compactMap { raw in
            let token = String(raw)
            let stripped = token.trimmingCharacters(in: .punctuationCharacters.union(.symbols))
            let kept = stripped.count <= 2 ? token : stripped
            return kept.count > 1 ? kept : nil
        }
    }

    static func isAllCaps(_ token: String) -> Bool {
        token.contains(where: \.isLetter) && !token.contains(where: \.isLowercase)
    }

    /// Whether some tokens, but not all, are in capitals: only then do capitals emphasise.
    static func capsDiffer(_ tokens: [String]) -> Bool {
        let capitals = tokens.filter(isAllCaps).count
        return capitals > 0 && capitals < tokens.count
    }

    /// Up to four `!` add emphasis; several `?` too (two or three a little each, more a fixed amount).
    static func punctuationEmphasis(_ text: String) -> Double {
        let exclamations = Double(min(text.filter { $0 == "!" }.count, 4)) * exclamationStep
        let questions = text.filter { $0 == "?" }.count
        let questionEmphasis = questions > 1 ? (questions <= 3 ? Double(questions) * 0.18 : 0.96) : 0
        return exclamations + questionEmphasis
    }
}
