import CSoxr

/// libsoxr's streaming resampler: chunks in, chunks out, with the filter's state carried
/// between them so chunk edges leave no clicks (resampling each chunk alone would).
final class StreamingResampler {
    private let resampler: soxr_t
    private let ratio: Double

    init(from inputRate: Int, to outputRate: Int) throws(AudioDecodingError) {
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        guard let resampler = soxr_create(Double(inputRate), Double(outputRate), 1, &error, &io, &quality, nil), error == nil else {
            throw .unreadable("cannot resample from \(inputRate) Hz")
        }
        self.resampler = resampler
        ratio = Double(outputRate) / Double(inputRate)
    }

    deinit {
        soxr_delete(resampler)
    }

    /// The output for `samples`; with `flush`, also what the filter still holds.
    func process(_ samples: [Float], flush: Bool = false) -> [Float] {
        var output = [Float](repeating: 0, count: Int((Double(samples.count) * ratio).rounded(.up)) + 1024)
        var produced = 0
        samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                // A null input tells soxr the stream ended: it flushes its filter.
                _ = soxr_process(
                    resampler,
                    flush && samples.isEmpty ? nil : input.baseAddress,
                    input.count,
                    nil,
                    out.baseAddress,
                    out.count,
                    &produced
                )
            }
        }
        output.removeSubrange(produced...)
        if flush, !samples.isEmpty { output += process([], flush: true) }
        return output
    }
}
