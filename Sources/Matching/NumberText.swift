#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Fixed-point text of a number, exactly as `String(format: "%.Nf", value)` writes it (both end in the
/// C library's `printf`), without Foundation's format-string machinery, which costs microseconds per
/// call: explanations are built for every suggestion of a run.
enum NumberText {
    private static let formats = (0...9).map { "%.\($0)f" }

    /// `value` with `decimals` (0…9) digits after the point, rounded as C's `%.Nf` does.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        precondition((0...9).contains(decimals), "0 to 9 decimals")
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buffer in
            let written = formats[decimals].withCString { format in
                withVaList([value]) { vsnprintf(buffer.baseAddress, buffer.count, format, $0) }
            }
            guard written > 0, Int(written) < buffer.count else { return "\(value)" }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(written)), as: UTF8.self)
        }
    }
}
