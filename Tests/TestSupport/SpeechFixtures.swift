import Foundation

/// Speech made for the tests by flite's `slt` voice (Debian `flite`), and the same recording
/// in other formats through sox, lame and opusenc (ops/lib/common.sh installs them all).
public enum SpeechFixtures {
    public static let sentences = [
        "The quick brown fox jumps over the lazy dog.",
        "Please send the quarterly report to the finance team by Friday.",
        "I need four tickets for the seven o'clock show.",
        "The database server in the second rack has stopped responding.",
    ]

    /// The formats a recording is converted to, by file name, with the converter's arguments
    /// after the input (`sox` unless the name ends in .mp3 or .opus).
    public static let variants: [(name: String, arguments: [String])] = [
        ("pcm16-16k.wav", []),
        ("pcm16-8k.wav", ["-r", "8000"]),
        ("pcm16-44k-stereo.wav", ["-r", "44100", "-c", "2"]),
        ("float32-48k.wav", ["-r", "48000", "-e", "floating-point", "-b", "32"]),
        ("pcm24-22k.wav", ["-r", "22050", "-b", "24"]),
        ("pcm8-16k.wav", ["-b", "8", "-e", "unsigned-integer"]),
        ("pcm32-16k.wav", ["-b", "32", "-e", "signed-integer"]),
        ("speech.flac", []),
        ("speech.ogg", []),
        ("speech.mp3", []),
        ("speech.opus", []),
    ]

    /// A fresh folder for generated audio.
    public static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("speech-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `text` spoken into a 16 kHz mono 16-bit WAV.
    public static func speak(_ text: String, into folder: URL, name: String = "speech.wav") async throws -> URL {
        let output = folder.appendingPathComponent(name)
        try await runCommand(try tool("flite"), ["-voice", "slt", "-t", text, "-o", output.path])
        return output
    }

    /// `source` converted to the variant named `name` (see ``variants``).
    public static func convert(_ source: URL, to name: String, arguments: [String], in folder: URL) async throws -> URL {
        let output = folder.appendingPathComponent(name)
        if name.hasSuffix(".mp3") {
            try await runCommand(try tool("lame"), ["--quiet", "-b", "64", source.path, output.path])
        } else if name.hasSuffix(".opus") {
            try await runCommand(try tool("opusenc"), ["--quiet", "--bitrate", "32", source.path, output.path])
        } else {
            try await runCommand(try tool("sox"), [source.path] + arguments + [output.path])
        }
        return output
    }

    /// `length` seconds of `source` from `start`, as 16 kHz mono WAV.
    public static func trim(_ source: URL, from start: Double, length: Double, in folder: URL, name: String) async throws -> URL {
        let output = folder.appendingPathComponent(name)
        try await runCommand(try tool("sox"), [source.path, output.path, "trim", String(start), String(length)])
        return output
    }

    /// `parts` joined into one 16 kHz mono WAV: each a file or a pause in seconds.
    public static func concatenate(_ parts: [Part], into folder: URL, name: String) async throws -> URL {
        var inputs: [String] = []
        for (index, part) in parts.enumerated() {
            switch part {
            case .file(let url):
                inputs.append(url.path)
            case .pause(let seconds):
                let pause = folder.appendingPathComponent("pause-\(index).wav")
                try await runCommand(try tool("sox"), ["-n", "-r", "16000", "-c", "1", "-b", "16", pause.path, "trim", "0", String(seconds)])
                inputs.append(pause.path)
            }
        }
        let output = folder.appendingPathComponent(name)
        try await runCommand(try tool("sox"), inputs + [output.path])
        return output
    }

    public enum Part {
        case file(URL)
        case pause(Double)
    }

    /// `seconds` of sox's `synth` (`whitenoise`, `sine 440`…) at `gain` dB, as 16 kHz mono WAV.
    public static func synthesise(_ seconds: Double, _ synth: [String], gain: Double = -6, into folder: URL, name: String) async throws -> URL {
        let output = folder.appendingPathComponent(name)
        try await runCommand(
            try tool("sox"),
            ["-n", "-r", "16000", "-c", "1", "-b", "16", output.path, "synth", String(seconds)] + synth + ["gain", String(gain)]
        )
        return output
    }

    static func tool(_ name: String) throws -> String {
        for folder in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        throw CommandFailure(command: name, output: "not installed (ops/lib/common.sh's APT_PACKAGES has it: run the tests through ops/test)")
    }
}

/// Word error rate after a Whisper-style normalisation: case, punctuation and hyphens are
/// ignored, and number words count as their digits ("four" = "4", "thirty five" = "35").
public enum WordErrorRate {
    public static func of(_ hypothesis: String, reference: String) -> Double {
        let expected = normalised(reference)
        let actual = normalised(hypothesis)
        guard !expected.isEmpty else { return actual.isEmpty ? 0 : 1 }
        // Levenshtein distance over words.
        var previous = Array(0...actual.count)
        for (i, word) in expected.enumerated() {
            var current = [i + 1] + [Int](repeating: 0, count: actual.count)
            for (j, other) in actual.enumerated() {
                current[j + 1] = min(previous[j] + (word == other ? 0 : 1), previous[j + 1] + 1, current[j] + 1)
            }
            previous = current
        }
        return Double(previous[actual.count]) / Double(expected.count)
    }

    static let units = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
        "sixteen", "seventeen", "eighteen", "nineteen",
    ]
    static let tens = ["twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90]

    public static func normalised(_ text: String) -> [String] {
        let cleaned = text.lowercased().map { character -> Character in
            character.isLetter || character.isNumber || character == "'" ? character : " "
        }
        var words: [String] = []
        var pendingTens: (index: Int, value: Int)?
        for word in String(cleaned).split(separator: " ").map({ String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'")) })
        where !word.isEmpty {
            if let value = tens[word] {
                words.append(String(value))
                pendingTens = (words.count - 1, value)
                continue
            }
            if let unit = units.firstIndex(of: word) {
                if let pending = pendingTens, unit < 10, unit > 0 {
                    words[pending.index] = String(pending.value + unit)
                } else {
                    words.append(String(unit))
                }
            } else {
                words.append(word)
            }
            pendingTens = nil
        }
        return words
    }
}
