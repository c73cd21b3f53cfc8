import CWhisper
import Foundation

/// One decoding state over a shared ``WhisperModel``: the buffers whisper.cpp needs for one
/// decode at a time, kept for reuse because allocating them costs more than a short decode.
final class WhisperDecoder: @unchecked Sendable {
    // Used by one thread at a time: ``Transcriber`` hands a decoder to exactly one decode.
    private let model: WhisperModel
    private let state: OpaquePointer
    private let threads: Int
    private let beamSize: Int

    init(model: WhisperModel, threads: Int, beamSize: Int) throws(WhisperModelError) {
        guard let state = whisper_init_state(model.context) else { throw .unreadable(model.name) }
        self.model = model
        self.state = state
        self.threads = threads
        self.beamSize = beamSize
    }

    deinit {
        whisper_free_state(state)
    }

    /// Decodes one window of 16 kHz samples; times in the result are seconds from `offset`.
    func decode(
        _ samples: ArraySlice<Float>,
        offset: Double,
        language: String,
        options: TranscriptionOptions,
        abort: DecodeAbort
    ) throws -> WindowTranscript {
        let window = offset...(offset + Double(samples.count) / Double(DecodedAudio.sampleRate))
        var parameters = whisper_full_default_params(beamSize > 1 ? WHISPER_SAMPLING_BEAM_SEARCH : WHISPER_SAMPLING_GREEDY)
        parameters.n_threads = Int32(threads)
        parameters.beam_search.beam_size = Int32(beamSize)
        parameters.print_progress = false
        parameters.print_realtime = false
        parameters.print_timestamps = false
        parameters.print_special = false
        // Windows are cut at pauses, so the text before one is a weak cue and a repeated
        // hallucination would carry over; each window is decoded on its own.
        parameters.no_context = true
        parameters.suppress_nst = true
        parameters.temperature = Float(options.temperature)
        let abortPointer = Unmanaged.passUnretained(abort).toOpaque()
        parameters.abort_callback = { userData in
            Unmanaged<DecodeAbort>.fromOpaque(userData!).takeUnretainedValue().isRequested
        }
        parameters.abort_callback_user_data = abortPointer

        let status: Int32 = withExtendedLifetime(abort) {
            language.withCString { languagePointer in
                withOptionalCString(options.prompt) { promptPointer in
                    parameters.language = languagePointer
                    parameters.initial_prompt = promptPointer
                    return samples.withUnsafeBufferPointer { buffer in
                        whisper_full_with_state(model.context, state, parameters, buffer.baseAddress, Int32(buffer.count))
                    }
                }
            }
        }
        if abort.isRequested { throw DecodeAborted() }
        guard status == 0 else { throw WhisperDecodeError(status: Int(status)) }
        let detected = whisper_full_lang_id_from_state(state)
        let (segments, words) = collect(window: window, words: options.wordTimestamps)
        return WindowTranscript(segments: segments, words: words, language: detected >= 0 ? String(cString: whisper_lang_str(detected)) : language)
    }

    /// The decoded segments, their times clamped to the window (whisper.cpp ends a window's
    /// last segment at the 30 s it pads every window to).
    private func collect(window: ClosedRange<Double>, words wantWords: Bool) -> (segments: [Transcript.Segment], words: [Transcript.Word]) {
        let offset = window.lowerBound
        func time(_ centiseconds: Int64) -> Double { (offset + Double(centiseconds) / 100).clamped(to: window) }
        let context = model.context
        let endOfText = whisper_token_eot(context)
        var segments: [Transcript.Segment] = []
        var words: [Transcript.Word] = []
        for index in 0..<whisper_full_n_segments_from_state(state) {
            let firstWord = words.endIndex
            let text = String(cString: whisper_full_get_segment_text_from_state(state, index))
            var tokens: [Int] = []
            var logProbabilities: [Double] = []
            var word: (text: String, start: Double, end: Double, probabilities: [Double])?
            func finishWord() {
                if let current = word, !current.text.trimmingCharacters(in: .whitespaces).isEmpty {
                    words.append(
                        .init(
                            word: current.text.trimmingCharacters(in: .whitespaces),
                            start: current.start,
                            end: current.end,
                            probability: current.probabilities.reduce(0, +) / Double(current.probabilities.count)
                        )
                    )
                }
                word = nil
            }
            for tokenIndex in 0..<whisper_full_n_tokens_from_state(state, index) {
                let data = whisper_full_get_token_data_from_state(state, index, tokenIndex)
                guard data.id < endOfText else { continue }
                tokens.append(Int(data.id))
                logProbabilities.append(Double(data.plog))
                guard wantWords else { continue }
                let piece = String(cString: whisper_full_get_token_text_from_state(context, state, index, tokenIndex))
                // DTW gives the moment each token was spoken; a word lasts until the next starts.
                let start = time(data.t_dtw)
                let end = start
                if piece.hasPrefix(" ") || word == nil {
                    finishWord()
                    word = (piece, start, end, [Double(data.p)])
                } else {
                    word?.text += piece
                    word?.end = end
                    word?.probabilities.append(Double(data.p))
                }
            }
            finishWord()
            let segmentStart = time(whisper_full_get_segment_t0_from_state(state, index))
            let segmentEnd = time(whisper_full_get_segment_t1_from_state(state, index))
            words[firstWord...].tile(within: segmentStart...max(segmentStart, segmentEnd))
            segments.append(
                .init(
                    start: segmentStart,
                    end: segmentEnd,
                    text: text.trimmingCharacters(in: .whitespaces),
                    noSpeechProbability: Double(whisper_full_get_segment_no_speech_prob_from_state(state, index)),
                    averageLogProbability: logProbabilities.isEmpty ? 0 : logProbabilities.reduce(0, +) / Double(logProbabilities.count),
                    tokens: tokens
                )
            )
        }
        return (segments, words)
    }
}

/// What one window decoded to.
struct WindowTranscript {
    var segments: [Transcript.Segment]
    var words: [Transcript.Word]
    var language: String
}

/// whisper.cpp returned a failure code for a decode.
struct WhisperDecodeError: Error, CustomStringConvertible {
    let status: Int
    var description: String { "whisper.cpp failed to decode (status \(status))" }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}

extension ArraySlice<Transcript.Word> {
    /// Each word starts where its first token was spoken, inside the segment and not before
    /// the word ahead of it, and lasts until the next word starts (the last until the segment ends).
    mutating func tile(within segment: ClosedRange<Double>) {
        for index in indices {
            self[index].start = Swift.min(Swift.max(self[index].start, segment.lowerBound), segment.upperBound)
            if index > startIndex { self[index].start = Swift.max(self[index].start, self[index - 1].start) }
        }
        for index in indices {
            let next = index + 1 < endIndex ? self[index + 1].start : segment.upperBound
            if self[index].end <= self[index].start || self[index].end > next { self[index].end = Swift.max(next, self[index].start) }
        }
    }
}

private func withOptionalCString<Result>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
    guard let text else { return body(nil) }
    return text.withCString(body)
}
