import HousingDomain

/// One thing wrong in a rules file: where it is, what is wrong, and what to do about it.
///
/// Rule files are edited by people, so every problem names the file and line (when known)
/// and the field, and says how to fix it.
public struct RuleProblem: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The file as the operator sees it, e.g. `Rules/cost-limits/2020-01-01.yaml`.
    public var file: String
    /// 1-based line, when the problem sits on a line.
    public var line: Int?
    /// The field in the file, e.g. `regions[2].limits`; nil for the file as a whole.
    public var field: String?
    /// What is wrong.
    public var message: String
    /// What to do about it.
    public var fix: String

    public init(file: String, line: Int?, field: String?, message: String, fix: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        self.fix = fix
    }

    /// `Rules/cost-limits/2020-01-01.yaml:14: regions[1].limits: no limit for household size 3 — add `3: <euros>``
    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        let fieldPart = field.map { "\($0): " } ?? ""
        return "\(location): \(fieldPart)\(message) — \(fix)"
    }
}

/// Everything that can go wrong in the RuleBook module.
public enum RuleBookError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rules directory has problems; Wohnlotse refuses to judge with broken rules.
    /// Each problem names its file, line and a fix.
    case invalidRules(directory: String, problems: [RuleProblem])
    /// No cost-limit table is valid on the requested date (it is before the oldest table).
    case noTableInForce(date: CalendarDate, earliest: CalendarDate?)
    /// A field of the case to judge is not acceptable (e.g. household size 0, a negative rent).
    case invalidCase(field: String, value: String, hint: String)

    public var description: String {
        switch self {
        case .invalidRules(let directory, let problems):
            let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
            let list = problems.map { "  - \($0)" }.joined(separator: "\n")
            return """
                The rules in \(directory) have \(count). Wohnlotse will not judge costs with broken rules \
                rather than guess; fix each line below and run `wohnlotse rules validate \(directory)` again:
                \(list)
                """
        case .noTableInForce(let date, let earliest):
            if let earliest {
                return "no cost-limit table is in force on \(date.iso): the oldest table is valid from \(earliest.iso); "
                    + "judge on a later date or add the older table to Rules/cost-limits/"
            }
            return "no cost-limit table is in force on \(date.iso): add a table to Rules/cost-limits/"
        case .invalidCase(let field, let value, let hint):
            return "invalid \(field) '\(value)': \(hint)"
        }
    }
}

/// Why a postal code and place could not be resolved to one municipality.
///
/// Every case carries the nearest candidates, so the user can pick the right one.
public enum PlaceLookupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The postal code is not in the gazetteer (Kreis Plön, Kiel and the places near the border).
    case unknownPostalCode(postalCode: String, place: String, candidates: [GazetteerEntry])
    /// The postal code is known, but no place of that name has it.
    case unknownPlace(postalCode: String, place: String, candidates: [GazetteerEntry])
    /// The place matches several municipalities, or no place was given for a postal code that covers several.
    case ambiguous(postalCode: String, place: String, candidates: [GazetteerEntry])

    public var candidates: [GazetteerEntry] {
        switch self {
        case .unknownPostalCode(_, _, let c), .unknownPlace(_, _, let c), .ambiguous(_, _, let c): return c
        }
    }

    public var description: String {
        let list = candidates.map { "  - \($0.postalCode) \($0.place) → \($0.municipalityName) (\($0.municipality))" }
            .joined(separator: "\n")
        let hint = candidates.isEmpty ? "" : "\nNearest candidates:\n\(list)"
        switch self {
        case .unknownPostalCode(let postalCode, let place, _):
            return "postal code \(postalCode) (\(place)) is not in the gazetteer of Kreis Plön and its neighbours; "
                + "check the postal code, or give the municipality key (AGS)" + hint
        case .unknownPlace(let postalCode, let place, _):
            return "no place '\(place)' has postal code \(postalCode); check the spelling or the postal code" + hint
        case .ambiguous(let postalCode, let place, _):
            let what = place.trimmingCharacters(in: .whitespaces).isEmpty
                ? "postal code \(postalCode) alone does not name one municipality; give the place too"
                : "'\(place)' with postal code \(postalCode) matches several municipalities; give the municipality key (AGS)"
            return what + hint
        }
    }
}
