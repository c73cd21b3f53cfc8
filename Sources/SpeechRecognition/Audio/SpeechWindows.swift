/// Cuts a recording's speech regions into the stretches Whisper decodes one at a time: each at
/// most `maxSeconds` long (Whisper's window is 30 s), joining regions whose gap is short and
/// skipping longer silences, so no window is mostly silence.
struct SpeechWindows {
    var maxSeconds = 28.0
    var maxGap = 1.5

    func windows(of regions: [ClosedRange<Double>]) -> [ClosedRange<Double>] {
        var windows: [ClosedRange<Double>] = []
        for region in regions {
            var start = region.lowerBound
            if let current = windows.last, start - current.upperBound <= maxGap, region.upperBound - current.lowerBound <= maxSeconds {
                windows[windows.count - 1] = current.lowerBound...region.upperBound
                continue
            }
            // A region longer than a window is cut into windows back to back.
            while region.upperBound - start > maxSeconds {
                windows.append(start...(start + maxSeconds))
                start += maxSeconds
            }
            windows.append(start...region.upperBound)
        }
        return windows
    }
}
