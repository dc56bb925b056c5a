import Foundation

/// The languages of the web app: German first, English available.
public enum Language: String, Sendable, CaseIterable {
    case de, en

    /// The cookie that remembers a choice made with `?lang=`.
    static let cookieName = "wl_lang"

    /// The language a browser asks for in `Accept-Language`: the highest-weighted of German and
    /// English, German when it names neither.
    static func preferred(acceptLanguage header: String?) -> Language {
        guard let header else { return .de }
        var best: (Language, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary) else { continue }
            var weight = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            if weight > 0, weight > (best?.1 ?? -1) { best = (language, weight) }
        }
        return best?.0 ?? .de
    }

    /// The other language, for the switch in the footer.
    var other: Language { self == .de ? .en : .de }
}
