/// The element-wise parts of the encoder (softmax, GELU) on 16-float vectors. libm's `expf`
/// and `erff` cost a call per element, and there are as many of those as multiply-adds in a
/// small matrix product, so they are computed here in SIMD lanes instead.
enum VectorMath {
    typealias Lanes = SIMD16<Float>
    static let width = Lanes.scalarCount

    /// e^x, relative error about 2e-7 (Cephes' polynomial after reduction by ln 2).
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        let x = x.clamped(lowerBound: Lanes(repeating: -87.3), upperBound: Lanes(repeating: 88.3))
        // Rounds to the nearest integer: adding 1.5·2^23 leaves no fraction bits, and the
        // integer sits in the low mantissa bits (read back without a float-to-int conversion).
        let shifter = Lanes(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + shifter
        let k = shifted - shifter
        let r = x - k * 0.693_359_375 + k * 2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * r * r + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- unsafeBitCast(shifter, to: SIMD16<Int32>.self)
        let exponent = (integer &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: Lanes.self)
    }

    /// erf(x), absolute error below 2e-7 (Abramowitz and Stegun 7.1.26).
    @inline(__always)
    static func erf(_ x: Lanes) -> Lanes {
        let a = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (a * 0.327_591_1 + 1)
        var p = Lanes(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let y = 1 - p * t * exp(Lanes.zero - a * a)
        return y.replacing(with: -y, where: x .< 0)
    }

    /// GELU as BERT defines it: x · Φ(x) = ½x(1 + erf(x/√2)), in place.
    static func gelu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        apply(values, count: count) { x in x * 0.5 * (1 + erf(x * 0.707_106_781_2)) }
    }

    /// Softmax of one row in place: shifted by its maximum, so e^x cannot overflow.
    static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var maximum = -Float.infinity
        for i in 0..<count { maximum = max(maximum, row[i]) }
        let shift = Lanes(repeating: maximum)
        apply(row, count: count) { x in exp(x - shift) }
        var sum: Float = 0
        for i in 0..<count { sum += row[i] }
        let scale = 1 / sum
        for i in 0..<count { row[i] *= scale }
    }

    @inline(__always)
    private static func apply(_ values: UnsafeMutablePointer<Float>, count: Int, _ body: (Lanes) -> Lanes) {
        let raw = UnsafeMutableRawPointer(values)
        var i = 0
        while i + width <= count {
            let lanes = raw.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
            raw.storeBytes(of: body(lanes), toByteOffset: i * 4, as: Lanes.self)
            i += width
        }
        if i < count {
            var lanes = Lanes()
            for lane in 0..<(count - i) { lanes[lane] = values[i + lane] }
            let result = body(lanes)
            for lane in 0..<(count - i) { values[i + lane] = result[lane] }
        }
    }
}
