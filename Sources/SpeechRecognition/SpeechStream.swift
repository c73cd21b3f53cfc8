/// Live transcription of one stream of 16-bit mono PCM: audio arrives in chunks, partial
/// hypotheses come out about every `partialInterval` while someone speaks, and a final
/// segment once the voice detector hears a pause of `pause` (or the utterance reaches a
/// Whisper window). Times are seconds from the start of the stream.
///
/// One caller at a time (a WebSocket session); decoding goes through the ``Transcriber``'s
/// slots like any upload. A partial that finds every slot busy is skipped, and partials never
/// come closer than twice the time the last one took, so a loaded machine sends fewer of them
/// instead of falling behind the speaker; a final waits for its slot.
public final class SpeechStream {
    public enum Event: Sendable, Equatable {
        case partial(text: String, start: Double)
        case final(text: String, start: Double, end: Double)
    }

    /// Longer than this, the stream refuses more audio (``SpeechStreamTooLong``).
    public let maxSeconds: Double
    public var partialInterval = 1.0
    public var pause = 0.6

    private let transcriber: Transcriber
    private let options: TranscriptionOptions
    private let resampler: StreamingResampler?
    /// Audio not yet finalised, at 16 kHz, starting at `pendingStart` in the stream.
    private var pending: [Float] = []
    private var pendingStart = 0.0
    private var analysedAt = 0.0
    private var nextPartial = ContinuousClock.now
    private var finals: [Event] = []
    private static let rate = Double(DecodedAudio.sampleRate)

    public init(transcriber: Transcriber, sampleRate: Int, options: TranscriptionOptions = .init(), maxSeconds: Double) throws(AudioDecodingError) {
        self.transcriber = transcriber
        self.options = options
        self.maxSeconds = maxSeconds
        resampler = sampleRate == DecodedAudio.sampleRate ? nil : try StreamingResampler(from: sampleRate, to: DecodedAudio.sampleRate)
    }

    /// Seconds of audio received.
    public var duration: Double { pendingStart + Double(pending.count) / Self.rate }

    /// Every final segment so far, in order.
    public var finalSegments: [Event] { finals }

    /// Takes a chunk of little-endian 16-bit samples (an odd trailing byte is dropped).
    public func append(pcm16 bytes: [UInt8]) async throws -> [Event] {
        var samples = [Float](repeating: 0, count: bytes.count / 2)
        for index in samples.indices {
            samples[index] = Float(Int16(bitPattern: UInt16(bytes[2 * index]) | UInt16(bytes[2 * index + 1]) << 8)) / 32768
        }
        pending += resampler?.process(samples) ?? samples
        guard duration <= maxSeconds else { throw SpeechStreamTooLong(limit: maxSeconds) }
        // The detector looks at everything pending twice a second, not at every small chunk.
        guard duration - analysedAt >= 0.5 else { return [] }
        analysedAt = duration
        return try await analyse(ending: false)
    }

    /// The end of the stream: what is still pending becomes final.
    public func finish() async throws -> [Event] {
        if let resampler { pending += resampler.process([], flush: true) }
        return try await analyse(ending: true)
    }

    private func analyse(ending: Bool) async throws -> [Event] {
        let pendingSeconds = Double(pending.count) / Self.rate
        let regions = transcriber.detector.speechRegions(in: pending)
        guard let last = regions.last else {
            // Silence: keep only a little of it, as lead-in for speech to come.
            let keep = min(pending.count, Int(0.5 * Self.rate))
            pendingStart += Double(pending.count - keep) / Self.rate
            pending.removeFirst(pending.count - keep)
            return []
        }
        if ending || last.upperBound + pause <= pendingSeconds || pendingSeconds >= 28 {
            let end = ending ? pending.count : min(pending.count, Int(last.upperBound * Self.rate))
            let events = try await finalise(count: end)
            return events
        }
        guard ContinuousClock.now >= nextPartial else { return [] }
        let started = ContinuousClock.now
        do {
            let result = try await transcriber.transcribe(
                DecodedAudio(samples: pending, format: "PCM stream", originalSampleRate: DecodedAudio.sampleRate, originalChannels: 1),
                options: options
            )
            nextPartial = started + max(.seconds(partialInterval), (ContinuousClock.now - started) * 2)
            let text = result.transcript.text
            return text.isEmpty ? [] : [.partial(text: text, start: pendingStart + (result.transcript.segments.first?.start ?? 0))]
        } catch is TranscriberBusy {
            return []
        }
    }

    /// Decodes the first `count` pending samples as final segments and drops them.
    private func finalise(count: Int) async throws -> [Event] {
        let audio = DecodedAudio(
            samples: Array(pending.prefix(count)),
            format: "PCM stream",
            originalSampleRate: DecodedAudio.sampleRate,
            originalChannels: 1
        )
        var result: Transcriber.Result?
        while result == nil {
            do {
                result = try await transcriber.transcribe(audio, options: options)
            } catch is TranscriberBusy {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let offset = pendingStart
        pendingStart += Double(count) / Self.rate
        pending.removeFirst(count)
        let events = (result?.transcript.segments ?? []).map { Event.final(text: $0.text, start: offset + $0.start, end: offset + $0.end) }
        finals += events
        return events
    }
}

/// The stream went past its longest allowed length.
public struct SpeechStreamTooLong: Error, Sendable {
    public let limit: Double

    public init(limit: Double) {
        self.limit = limit
    }
}
