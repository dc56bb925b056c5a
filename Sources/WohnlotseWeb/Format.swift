import Foundation
import HousingDomain

/// Numbers, money and dates as each language writes them. Money stays exact: it is printed from
/// integer cents, never through floating point.
struct Format: Sendable {
    let language: Language

    /// `1.234,56 €` in German, `1,234.56 €` in English.
    func money(_ value: Money) -> String {
        let negative = value.cents < 0
        let cents = value.cents.magnitude
        let euros = String(cents / 100)
        var grouped = ""
        for (i, c) in euros.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(language == .de ? "." : ",") }
            grouped.append(c)
        }
        let fraction = String(format: "%02d", Int(cents % 100))
        return (negative ? "−" : "") + String(grouped.reversed()) + (language == .de ? "," : ".") + fraction + " €"
    }

    /// `01.03.2026` in German, `2026-03-01` in English.
    func date(_ value: CalendarDate) -> String {
        language == .de ? String(format: "%02d.%02d.%04d", value.day, value.month, value.year) : value.iso
    }

    func date(_ value: CalendarDate?) -> String { value.map(date) ?? "–" }

    /// A decimal with at most `digits` fraction digits, e.g. rooms `2,5` or km `12,3`.
    func decimal(_ value: Double, digits: Int = 1) -> String {
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return language == .de ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    func area(_ value: Double) -> String { decimal(value) + " m²" }

    /// A time of day in the server's time zone, e.g. `14:05`.
    func time(_ value: Date) -> String {
        let c = Calendar.current.dateComponents([.hour, .minute], from: value)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }
}
