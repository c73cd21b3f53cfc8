import Foundation

/// A WordPiece vocabulary (`vocab.txt`: one piece per line, its id is the line number), with
/// the ids of the special tokens BERT frames every text with.
public struct Vocabulary: Sendable {
    private let ids: [String: Int32]
    public let count: Int
    public let unknown: Int32
    public let classification: Int32
    public let separator: Int32
    public let padding: Int32

    public init(pieces: [String]) throws(ModelFileError) {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(pieces.count)
        // A piece listed twice keeps its last line, as the reference tokenisers read the file.
        for (index, piece) in pieces.enumerated() {
            ids[piece] = Int32(index)
        }
        func special(_ name: String) throws(ModelFileError) -> Int32 {
            guard let id = ids[name] else { throw ModelFileError(path: "vocab.txt", problem: "has no \(name) token") }
            return id
        }
        self.ids = ids
        count = pieces.count
        unknown = try special("[UNK]")
        classification = try special("[CLS]")
        separator = try special("[SEP]")
        padding = try special("[PAD]")
    }

    public init(contentsOf path: String) throws(ModelFileError) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ModelFileError(path: path, problem: "is missing or not UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if lines.last == "" { lines.removeLast() }
        do {
            try self.init(pieces: lines)
        } catch {
            throw ModelFileError(path: path, problem: error.problem)
        }
    }

    public func id(of piece: String) -> Int32? {
        ids[piece]
    }
}
