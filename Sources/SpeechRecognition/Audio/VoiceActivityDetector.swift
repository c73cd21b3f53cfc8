import Foundation

/// Finds the stretches of a 16 kHz recording that hold speech, so that silence and steady
/// noise never reach Whisper (which invents sentences for them).
///
/// A 30 ms frame counts as voiced when it is louder than the recording's noise floor by a
/// margin and above an absolute level, and its spectrum between 100 and 4,000 Hz is not flat
/// (white and other broadband noise has a spectral flatness near 0.56, voiced speech far
/// below). Voiced frames closer than `bridge` join into one region; a region needs at least
/// `minimumVoiced` of voice, and is widened by `padding` on both sides so word edges survive.
public struct VoiceActivityDetector: Sendable {
    public var frameSeconds = 0.03
    public var minimumLevel: Float = -50
    public var marginOverFloor: Float = 8
    public var maximumFlatness: Float = 0.35
    public var bridge = 0.35
    public var minimumVoiced = 0.09
    public var padding = 0.2

    public init() {}

    /// The speech regions of `samples`, in seconds, in order and not overlapping.
    public func speechRegions(in samples: [Float], sampleRate: Int = DecodedAudio.sampleRate) -> [ClosedRange<Double>] {
        let frameLength = Int(frameSeconds * Double(sampleRate))
        let frameCount = samples.count / frameLength
        guard frameCount > 0 else { return [] }
        let analyser = SpectrumAnalyser(frameLength: frameLength, sampleRate: sampleRate)
        var levels = [Float](repeating: 0, count: frameCount)
        var flatness = [Float](repeating: 1, count: frameCount)
        samples.withUnsafeBufferPointer { buffer in
            for frame in 0..<frameCount {
                let slice = UnsafeBufferPointer(rebasing: buffer[frame * frameLength..<(frame + 1) * frameLength])
                levels[frame] = Self.level(of: slice)
                flatness[frame] = analyser.flatness(of: slice)
            }
        }
        // The noise floor: the level of the quietest tenth of the frames, never below -70 dBFS
        // (digital silence would otherwise let any breath through).
        let floor = max(levels.sorted()[frameCount / 10], -70)
        let threshold = max(floor + marginOverFloor, minimumLevel)
        let voiced = (0..<frameCount).map { levels[$0] > threshold && flatness[$0] < maximumFlatness }

        let bridgeFrames = Int((bridge / frameSeconds).rounded())
        let minimumFrames = max(1, Int((minimumVoiced / frameSeconds).rounded()))
        var regions: [ClosedRange<Double>] = []
        var start: Int?
        var lastVoiced = 0
        var voicedInRegion = 0
        func close() {
            guard let first = start else { return }
            if voicedInRegion >= minimumFrames {
                let begin = max(0, Double(first) * frameSeconds - padding)
                let end = min(Double(samples.count) / Double(sampleRate), Double(lastVoiced + 1) * frameSeconds + padding)
                if let previous = regions.last, previous.upperBound >= begin {
                    regions[regions.count - 1] = previous.lowerBound...end
                } else {
                    regions.append(begin...end)
                }
            }
            start = nil
            voicedInRegion = 0
        }
        for frame in 0..<frameCount where voiced[frame] {
            if start != nil, frame - lastVoiced > bridgeFrames { close() }
            if start == nil { start = frame }
            lastVoiced = frame
            voicedInRegion += 1
        }
        close()
        return regions
    }

    /// Root-mean-square level in dBFS.
    static func level(of frame: UnsafeBufferPointer<Float>) -> Float {
        var sum: Float = 0
        for sample in frame { sum += sample * sample }
        return 10 * log10(max(sum / Float(frame.count), 1e-12))
    }
}

/// Spectral flatness (geometric over arithmetic mean of the power spectrum) of one frame in the
/// speech band, through a radix-2 FFT of the Hann-windowed frame.
private struct SpectrumAnalyser {
    let size: Int
    let window: [Float]
    let band: Range<Int>
    let cosines: [Float]
    let sines: [Float]

    init(frameLength: Int, sampleRate: Int) {
        var size = 1
        while size < frameLength { size *= 2 }
        self.size = size
        window = (0..<frameLength).map { 0.5 - 0.5 * cos(2 * Float.pi * Float($0) / Float(frameLength - 1)) }
        let binHz = Double(sampleRate) / Double(size)
        band = Int((100 / binHz).rounded(.up))..<min(size / 2, Int(4000 / binHz) + 1)
        cosines = (0..<size / 2).map { cos(-2 * Float.pi * Float($0) / Float(size)) }
        sines = (0..<size / 2).map { sin(-2 * Float.pi * Float($0) / Float(size)) }
    }

    func flatness(of frame: UnsafeBufferPointer<Float>) -> Float {
        var real = [Float](repeating: 0, count: size)
        var imaginary = [Float](repeating: 0, count: size)
        for index in 0..<frame.count { real[index] = frame[index] * window[index] }
        transform(&real, &imaginary)
        var logSum: Float = 0
        var sum: Float = 0
        for bin in band {
            let power = real[bin] * real[bin] + imaginary[bin] * imaginary[bin] + 1e-12
            logSum += log(power)
            sum += power
        }
        let count = Float(band.count)
        return exp(logSum / count) / (sum / count)
    }

    /// In-place iterative Cooley–Tukey FFT.
    private func transform(_ real: inout [Float], _ imaginary: inout [Float]) {
        var j = 0
        for i in 1..<size {
            var bit = size >> 1
            while j & bit != 0 {
                j ^= bit
                bit >>= 1
            }
            j |= bit
            if i < j {
                real.swapAt(i, j)
                imaginary.swapAt(i, j)
            }
        }
        var length = 2
        while length <= size {
            let step = size / length
            for start in stride(from: 0, to: size, by: length) {
                for k in 0..<length / 2 {
                    let wr = cosines[k * step]
                    let wi = sines[k * step]
                    let a = start + k
                    let b = a + length / 2
                    let tr = real[b] * wr - imaginary[b] * wi
                    let ti = real[b] * wi + imaginary[b] * wr
                    real[b] = real[a] - tr
                    imaginary[b] = imaginary[a] - ti
                    real[a] += tr
                    imaginary[a] += ti
                }
            }
            length *= 2
        }
    }
}
