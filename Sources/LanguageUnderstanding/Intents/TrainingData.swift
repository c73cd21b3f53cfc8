import Foundation

/// What a model is trained from: example texts per intent, and optional entity rules
/// (lookup tables and regular expressions) that the model's parses add to the built-in dimensions.
public struct TrainingData: Sendable, Codable, Equatable {
    public static let minimumIntents = 2
    public static let minimumExamples = 5
    /// What a model's, an intent's and an entity's name may be.
    public static let namePattern = #"^[A-Za-z0-9_.-]{1,64}$"#

    public let intents: [String: [String]]
    public let entities: EntityRules?

    public init(intents: [String: [String]], entities: EntityRules? = nil) {
        self.intents = intents
        self.entities = entities
    }

    /// The intents in the order of the classifier's classes.
    public var intentNames: [String] { intents.keys.sorted() }

    /// Every example with the index of its intent in ``intentNames``.
    public var labelledExamples: [(text: String, label: Int)] {
        intentNames.enumerated().flatMap { label, name in intents[name]!.map { ($0, label) } }
    }

    /// Everything wrong with the data, each named by the field it concerns; empty when it can be trained.
    public func problems(maxExampleCharacters: Int) -> [(field: String, message: String)] {
        var problems: [(field: String, message: String)] = []
        if intents.count < Self.minimumIntents {
            problems.append(("intents", "needs at least \(Self.minimumIntents) intents, has \(intents.count)"))
        }
        var owners: [String: String] = [:]
        for name in intentNames {
            let examples = intents[name]!
            if name.range(of: TrainingData.namePattern, options: .regularExpression) == nil {
                problems.append(("intents.\(name)", "an intent name is 1 to 64 letters, digits, '_', '.' or '-'"))
            }
            if examples.count < Self.minimumExamples {
                problems.append(("intents.\(name)", "needs at least \(Self.minimumExamples) examples, has \(examples.count)"))
            }
            for (index, example) in examples.enumerated() {
                let key = Self.normalised(example)
                let field = "intents.\(name)[\(index)]"
                if key.isEmpty {
                    problems.append((field, "is empty"))
                } else if example.unicodeScalars.count > maxExampleCharacters {
                    problems.append((field, "is longer than \(maxExampleCharacters) characters"))
                } else if let owner = owners[key] {
                    problems.append((field, owner == name ? "repeats an earlier example of \(name)" : "is also an example of \(owner)"))
                } else {
                    owners[key] = name
                }
            }
        }
        return problems + (entities?.problems() ?? [])
    }

    /// Examples compare equal regardless of case and spacing.
    static func normalised(_ example: String) -> String {
        example.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// A model's own entities: lookup tables (entity → entries) and patterns (entity → regular expression).
public struct EntityRules: Sendable, Codable, Equatable {
    public let lookups: [String: [String]]?
    public let regexes: [String: String]?

    public init(lookups: [String: [String]]? = nil, regexes: [String: String]? = nil) {
        self.lookups = lookups
        self.regexes = regexes
    }

    static let builtinDimensions: Set<String> = [
        "time", "duration", "number", "ordinal", "amount_of_money", "percentage", "email", "url", "phone_number",
    ]

    func problems() -> [(field: String, message: String)] {
        var problems: [(field: String, message: String)] = []
        func checkName(_ name: String, field: String) {
            if Self.builtinDimensions.contains(name) {
                problems.append((field, "\(name) is a built-in dimension"))
            } else if name.range(of: TrainingData.namePattern, options: .regularExpression) == nil {
                problems.append((field, "an entity name is 1 to 64 letters, digits, '_', '.' or '-'"))
            }
        }
        for (name, entries) in (lookups ?? [:]).sorted(by: { $0.key < $1.key }) {
            let field = "entities.lookups.\(name)"
            checkName(name, field: field)
            if entries.isEmpty { problems.append((field, "needs at least one entry")) }
            for (index, entry) in entries.enumerated() where entry.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(("\(field)[\(index)]", "is empty"))
            }
        }
        for (name, pattern) in (regexes ?? [:]).sorted(by: { $0.key < $1.key }) {
            let field = "entities.regexes.\(name)"
            checkName(name, field: field)
            do {
                let compiled = try Pattern(validating: pattern)
                if compiled.matchesWhole("") { problems.append((field, "matches the empty string")) }
            } catch {
                problems.append((field, "is not a valid regular expression"))
            }
        }
        return problems
    }

    /// The extractors of these rules; call only on rules without ``problems()``.
    public func extractors() -> [any EntityExtractor] {
        let lookupExtractors: [any EntityExtractor] = (lookups ?? [:]).sorted { $0.key < $1.key }.map {
            LookupEntityExtractor(entity: $0.key, entries: $0.value)
        }
        let patternExtractors: [any EntityExtractor] = (regexes ?? [:]).sorted { $0.key < $1.key }.compactMap {
            try? RegexEntityExtractor(entity: $0.key, pattern: $0.value)
        }
        return lookupExtractors + patternExtractors
    }
}
