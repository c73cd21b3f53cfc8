import SpeechRecognition

/// A transcript's segments as SubRip (`.srt`) or WebVTT cues.
enum SubtitleFormat {
    case srt, vtt

    func render(_ segments: [Transcript.Segment]) -> String {
        var lines: [String] = self == .vtt ? ["WEBVTT", ""] : []
        for (index, segment) in segments.enumerated() {
            if self == .srt { lines.append(String(index + 1)) }
            lines.append("\(timestamp(segment.start)) --> \(timestamp(segment.end))")
            lines.append(segment.text)
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// `HH:MM:SS,mmm` (SubRip) or `HH:MM:SS.mmm` (WebVTT).
    private func timestamp(_ seconds: Double) -> String {
        let milliseconds = Int((max(0, seconds) * 1000).rounded())
        let hours = milliseconds / 3_600_000
        let minutes = milliseconds / 60_000 % 60
        let secs = milliseconds / 1000 % 60
        let rest = milliseconds % 1000
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(hours, 2)):\(padded(minutes, 2)):\(padded(secs, 2))\(self == .srt ? "," : ".")\(padded(rest, 3))"

    }
}
