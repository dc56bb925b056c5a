#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Fixed-point text of a number, exactly as `String(format: "%.Nf", value)` writes it, without
/// Foundation's format machinery, which costs microseconds per call: explanations, built for every
/// suggestion of a run, hold several such numbers.
enum NumberText {
    private static let scales: [UInt64] = [1, 10, 100, 1000]

    /// `value` with `decimals` (0…9) digits after the point, rounded as C's `%.Nf` does: the exact
    /// binary value to the nearest, ties to even.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        precondition((0...9).contains(decimals), "0 to 9 decimals")
        // The common case in integers: |value| < 2^50 with up to 3 decimals keeps m · 10^N < 2^63.
        guard value.isFinite, decimals <= 3, value.magnitude < 0x1p50 else { return printf(value, decimals) }
        let scale = scales[decimals]
        var rounded: UInt64 = 0
        if value.isNormal {
            // |value| = m · 2^−shift with m < 2^53 and shift ≥ 3 (|value| < 2^50); subnormals round to 0.
            let m = value.significandBitPattern | (1 << 52)
            let shift = 52 - Int(value.exponent)
            if shift < 64 {
                let q = m * scale
                rounded = q >> UInt64(shift)
                let rest = q & ((1 << UInt64(shift)) - 1)
                let half: UInt64 = 1 << UInt64(shift - 1)
                if rest > half || (rest == half && rounded & 1 == 1) { rounded += 1 }
            }
        }
        var text = value.sign == .minus ? "-" : ""
        text += String(rounded / scale)
        if decimals > 0 {
            let fraction = String(rounded % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// The C library's own `%.Nf`, for what the integer path does not cover.
    private static func printf(_ value: Double, _ decimals: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buffer in
            let written = "%.\(decimals)f".withCString { format in
                withVaList([value]) { vsnprintf(buffer.baseAddress, buffer.count, format, $0) }
            }
            guard written > 0, Int(written) < buffer.count else { return "\(value)" }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(written)), as: UTF8.self)
        }
    }
}
