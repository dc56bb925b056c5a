import Foundation
import HousingDomain
import Yams

/// How long Wohnlotse keeps personal data, read from `Rules/retention.yaml`.
///
/// The periods are the county's to set (with its data protection officer); the shipped file holds
/// proposals. `wohnlotse privacy sweep` applies them.
public struct RetentionPolicy: Sendable, Hashable {
    /// A closed case is anonymised this many months after it was closed.
    public var closedCaseMonths: Int
    /// A visit's free-text note is cleared this many months after the visit.
    public var visitNoteMonths: Int
    /// The per-row diagnostics of a listing import run are pruned this many days after the run.
    public var importDiagnosticsDays: Int

    public static let file = "retention.yaml"

    public init(closedCaseMonths: Int, visitNoteMonths: Int, importDiagnosticsDays: Int) {
        self.closedCaseMonths = closedCaseMonths
        self.visitNoteMonths = visitNoteMonths
        self.importDiagnosticsDays = importDiagnosticsDays
    }

    /// The last day whose data is due on `today`: cases closed on or before the first date, visits
    /// on or before the second, import runs on or before the third.
    public func cutoffs(today: CalendarDate) -> (closedCases: CalendarDate, visitNotes: CalendarDate, importRuns: CalendarDate) {
        (today.adding(months: -closedCaseMonths), today.adding(months: -visitNoteMonths), today.adding(days: -importDiagnosticsDays))
    }

    /// Reads and checks `retention.yaml` in the rules directory.
    ///
    /// - Throws: `RuleBookError.invalidRules` listing every problem with file, line and fix.
    public static func load(directory: URL) throws(RuleBookError) -> RetentionPolicy {
        let root = RuleBook.displayRoot(directory)
        let url = directory.appendingPathComponent(file)
        let display = "\(root)/\(file)"
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .invalidRules(
                directory: root,
                problems: [RuleProblem(file: display, line: nil, field: nil, message: "is missing", fix: "restore the file from the repository (Rules/retention.yaml)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidRules(directory: root, problems: [RuleProblem(file: display, line: nil, field: nil, message: "is not UTF-8 text", fix: "save it as UTF-8")])
        }
        let (policy, problems) = read(text: text, displayName: display)
        guard let policy, problems.isEmpty else { throw .invalidRules(directory: root, problems: problems) }
        return policy
    }

    /// Parses the text of a retention file; the policy is nil when there are problems.
    static func read(text: String, displayName: String) -> (RetentionPolicy?, [RuleProblem]) {
        let file = YAMLFile(displayName: displayName)
        guard let root = file.compose(text) else { return (nil, file.problems) }
        let sections = ["closed_cases", "visit_notes", "import_runs"]
        guard let top = file.mapping(root, field: "", allowed: sections, required: sections) else { return (nil, file.problems) }

        func period(_ section: String, _ key: String, unit: String, range: ClosedRange<Int>) -> Int? {
            guard let node = top[section], let map = file.mapping(node, field: section, allowed: [key], required: [key]),
                let valueNode = map[key]
            else { return nil }
            let field = "\(section).\(key)"
            guard let text = file.string(valueNode, field: field) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                file.report(
                    valueNode, field: field, "'\(text)' is not a number of \(unit) from \(range.lowerBound) to \(range.upperBound)",
                    fix: "write a whole number of \(unit), e.g. \(range.lowerBound == 1 ? 12 : range.lowerBound)")
                return nil
            }
            return value
        }
        let cases = period("closed_cases", "anonymise_after_months", unit: "months", range: 1...240)
        let notes = period("visit_notes", "clear_after_months", unit: "months", range: 1...240)
        let runs = period("import_runs", "prune_diagnostics_after_days", unit: "days", range: 1...3650)
        guard let cases, let notes, let runs, file.problems.isEmpty else { return (nil, file.problems) }
        return (RetentionPolicy(closedCaseMonths: cases, visitNoteMonths: notes, importDiagnosticsDays: runs), [])
    }
}
