import HousingDomain

/// The language an explanation states its checks and components in: English for the CLI and the
/// web app's English pages, German for its German pages (the web app's first language). The
/// numbers are the same; only the sentences, the decimal mark and the dates differ.
public enum ExplanationLanguage: String, Sendable, CaseIterable {
    case english = "en"
    case german = "de"
}

/// The sentences of an explanation in one language, with its numbers written that language's way.
struct Wording {
    let language: ExplanationLanguage

    /// The English or the German sentence (only the one asked for is built).
    func text(_ english: @autoclosure () -> String, _ german: @autoclosure () -> String) -> String {
        language == .german ? german() : english()
    }

    /// `61.3` or `61,3`.
    func number(_ value: Double, _ decimals: Int) -> String {
        let text = NumberText.fixed(value, decimals)
        return language == .german ? String(text.map { $0 == "." ? "," : $0 }) : text
    }

    /// `1234.50 €` (as `Money` writes it) or `1.234,50 €`.
    func money(_ cents: Int64) -> String {
        let money = Money(cents: cents)
        guard language == .german else { return money.description }
        let euros = String(cents.magnitude / 100)
        var grouped = ""
        for (i, digit) in euros.enumerated() {
            if i > 0 && (euros.count - i) % 3 == 0 { grouped.append(".") }
            grouped.append(digit)
        }
        let rest = cents.magnitude % 100
        return "\(cents < 0 ? "-" : "")\(grouped),\(rest < 10 ? "0" : "")\(rest) €"
    }

    /// `2026-05-01` or `01.05.2026`.
    func date(_ day: CalendarDate) -> String {
        guard language == .german else { return day.iso }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(two(day.day)).\(two(day.month)).\(day.year)"
    }

    /// A travel mode after a time: `by bus`, `on foot` or `mit dem Bus`, `zu Fuß`.
    func by(_ mode: TravelMode) -> String {
        switch (language, mode) {
        case (.english, _): return mode.phrase
        case (.german, .walk): return "zu Fuß"
        case (.german, .bike): return "mit dem Rad"
        case (.german, .bus): return "mit dem Bus"
        }
    }
}
