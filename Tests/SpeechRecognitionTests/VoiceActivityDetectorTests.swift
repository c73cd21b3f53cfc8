import Foundation
import SpeechRecognition
import Testing

@Suite struct VoiceActivityDetectorTests {
    let detector = VoiceActivityDetector()

    /// A synthetic vowel: a 140 Hz pulse train through formant-like harmonics, 0.2 amplitude.
    static func vowel(seconds: Double) -> [Float] {
        (0..<Int(seconds * 16_000)).map { index in
            let time = Float(index) / 16_000
            return 0.2
                * (1...20).reduce(Float(0)) { sum, harmonic in
                    let frequency = 140 * Float(harmonic)
                    let formant = exp(-pow((frequency - 700) / 300, 2)) + 0.5 * exp(-pow((frequency - 1200) / 300, 2))
                    return sum + formant * sin(2 * .pi * frequency * time)
                }
        }
    }

    @Test func silenceHasNoSpeech() {
        #expect(detector.speechRegions(in: [Float](repeating: 0, count: 16_000 * 3)).isEmpty)
    }

    @Test func whiteNoiseHasNoSpeechAtAnyLevel() {
        var generator = SystemRandomNumberGenerator()
        for amplitude: Float in [0.01, 0.1, 0.5] {
            let noise = (0..<48_000).map { _ in Float.random(in: -amplitude...amplitude, using: &generator) }
            #expect(detector.speechRegions(in: noise).isEmpty, "amplitude \(amplitude)")
        }
    }

    @Test func aVoicedStretchIsFoundWhereItIsPaddedAndNoWhereElse() throws {
        let silence = [Float](repeating: 0, count: 16_000)
        let samples = silence + Self.vowel(seconds: 1.5) + silence + silence
        let regions = detector.speechRegions(in: samples)
        let region = try #require(regions.first)
        #expect(regions.count == 1)
        #expect(abs(region.lowerBound - (1 - detector.padding)) < 0.05)
        #expect(abs(region.upperBound - (2.5 + detector.padding)) < 0.05)
    }

    @Test func shortGapsAreBridgedAndLongOnesSplit() {
        let vowel = Self.vowel(seconds: 0.5)
        let shortGap = [Float](repeating: 0, count: Int(0.2 * 16_000))
        let longGap = [Float](repeating: 0, count: 2 * 16_000)
        let regions = detector.speechRegions(in: vowel + shortGap + vowel + longGap + vowel)
        #expect(regions.count == 2)
    }
}
