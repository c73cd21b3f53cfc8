import CSoxr

/// Sample-rate conversion through libsoxr at its high-quality setting.
enum Resampler {
    static func resample(_ samples: [Float], from inputRate: Int, to outputRate: Int) throws(AudioDecodingError) -> [Float] {
        guard inputRate != outputRate, !samples.isEmpty else { return samples }
        let capacity = Int((Double(samples.count) * Double(outputRate) / Double(inputRate)).rounded(.up)) + 16
        var output = [Float](repeating: 0, count: capacity)
        var produced = 0
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        let error: soxr_error_t? = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                soxr_oneshot(
                    Double(inputRate),
                    Double(outputRate),
                    1,
                    input.baseAddress,
                    input.count,
                    nil,
                    out.baseAddress,
                    out.count,
                    &produced,
                    &io,
                    &quality,
                    nil
                )
            }
        }
        if let error {
            throw .unreadable("resampling from \(inputRate) Hz failed: \(String(cString: error))")
        }
        output.removeSubrange(produced...)
        return output
    }
}
