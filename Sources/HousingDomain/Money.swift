import Foundation

/// An amount of euros, held exactly as integer cents.
///
/// Rents and limits are numbers people decide on, so they are never floating point.
/// `Money` prints as `540.00 €` and parses `540`, `540.5`, `540,50`, `540.50 €`.
public struct Money: Hashable, Comparable, Sendable {
    /// The amount in euro cents; negative for a debt or an excess.
    public var cents: Int64

    public init(cents: Int64) { self.cents = cents }

    /// Whole euros, e.g. `Money(euros: 430)`.
    public init(euros: Int64) { self.cents = euros * 100 }

    public static let zero = Money(cents: 0)

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents + rhs.cents) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents - rhs.cents) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.cents += rhs.cents }
    public static prefix func - (value: Money) -> Money { Money(cents: -value.cents) }

    /// Multiplies by a whole number (e.g. months, persons).
    public static func * (lhs: Money, rhs: Int64) -> Money { Money(cents: lhs.cents * rhs) }

    /// Parses a euro amount typed by a person or found in a feed.
    ///
    /// Accepts an optional sign, digits, an optional decimal separator (`.` or `,`) with at most two
    /// decimals, thousands separators in the form `1.234,56` or `1,234.56`, and a trailing `€` or `EUR`.
    /// Returns nil for anything else (letters, three decimals, empty text).
    public init?(parsing text: String) {
        var s = text.trimmingCharacters(in: .whitespaces)
        for suffix in ["€", "EUR", "eur", "Euro"] where s.hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
        }
        var negative = false
        if s.hasPrefix("-") {
            negative = true
            s.removeFirst()
        } else if s.hasPrefix("+") {
            s.removeFirst()
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }) else { return nil }
        // The last separator followed by one or two digits is the decimal separator; others group thousands.
        var integerPart = s
        var fraction = ""
        if let idx = s.lastIndex(where: { $0 == "." || $0 == "," }) {
            let after = s[s.index(after: idx)...]
            let separator = s[idx]
            let otherSeparators = s[..<idx].filter { $0 == "." || $0 == "," }
            let isDecimal = after.count <= 2 && !otherSeparators.contains(separator)
            if isDecimal {
                integerPart = String(s[..<idx])
                fraction = String(after)
            } else if after.count != 3 {
                return nil
            }
        }
        // Remaining separators must be thousands groups of exactly three digits.
        let groups = integerPart.split(separator: Character("."), omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        if groups.count > 1 {
            guard let first = groups.first, !first.isEmpty, first.count <= 3,
                groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { return nil }
        }
        let digits = groups.joined()
        guard !digits.isEmpty || !fraction.isEmpty, digits.count <= 15 else { return nil }
        guard let euros = digits.isEmpty ? 0 : Int64(digits) else { return nil }
        let paddedFraction = fraction.padding(toLength: 2, withPad: "0", startingAt: 0)
        guard let cents = Int64(paddedFraction) else { return nil }
        let total = euros * 100 + cents
        self.cents = negative ? -total : total
    }

    /// `540.00` — euros with two decimals and a point, as in the CLI and JSON.
    public var decimalString: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let euros = magnitude / 100
        let rest = magnitude % 100
        return "\(sign)\(euros).\(rest < 10 ? "0" : "")\(rest)"
    }

    /// Rounds a product of this amount and a ratio to the nearest cent (half away from zero),
    /// computed in integers: `amount × numerator / denominator`.
    public func scaled(by numerator: Int64, over denominator: Int64) -> Money {
        precondition(denominator > 0, "denominator must be positive")
        let product = cents * numerator
        let half = denominator / 2
        let rounded = product >= 0 ? (product + half) / denominator : (product - half) / denominator
        return Money(cents: rounded)
    }
}

extension Money: CustomStringConvertible {
    /// `540.00 €`
    public var description: String { "\(decimalString) €" }
}

extension Money: Codable {
    /// Encoded as a decimal string such as `"540.00"` so that JSON readers never turn it into a float.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = Money(parsing: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not a euro amount like 540.00")
            }
            self = value
        } else {
            let number = try container.decode(Int64.self)
            self = Money(euros: number)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalString)
    }
}
