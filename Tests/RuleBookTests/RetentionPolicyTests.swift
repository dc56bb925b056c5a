import Foundation
import HousingDomain
import Testing

@testable import RuleBook

@Suite struct RetentionPolicyTests {
    @Test func theShippedPolicyLoads() throws {
        let policy = try RetentionPolicy.load(directory: Support.realRules)
        #expect(policy == RetentionPolicy(closedCaseMonths: 24, visitNoteMonths: 12, importDiagnosticsDays: 90))
    }

    @Test func cutoffsCountBackFromToday() throws {
        let policy = RetentionPolicy(closedCaseMonths: 24, visitNoteMonths: 1, importDiagnosticsDays: 90)
        let c = policy.cutoffs(today: try Support.date("2026-03-31"))
        #expect(c.closedCases == (try Support.date("2024-03-31")))
        #expect(c.visitNotes == (try Support.date("2026-02-28")), "a month back from the 31st is the end of February")
        #expect(c.importRuns == (try Support.date("2025-12-31")))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int?
        var field: String?
        var message: String
        var testDescription: String { message }
    }

    static let valid = "closed_cases:\n  anonymise_after_months: 24\nvisit_notes:\n  clear_after_months: 12\nimport_runs:\n  prune_diagnostics_after_days: 90\n"

    static let cases: [Case] = [
        Case(
            text: valid.replacingOccurrences(of: "clear_after_months", with: "clear_after_month"), line: 4, field: "visit_notes.clear_after_month",
            message: "unknown key 'clear_after_month' (did you mean 'clear_after_months'?)"),
        Case(text: valid + "keep_forever: yes\n", line: 7, field: "keep_forever", message: "unknown key 'keep_forever'"),
        Case(
            text: valid.replacingOccurrences(of: "24", with: "zwei Jahre"), line: 2, field: "closed_cases.anonymise_after_months",
            message: "'zwei Jahre' is not a number of months from 1 to 240"),
        Case(
            text: valid.replacingOccurrences(of: "90", with: "0"), line: 6, field: "import_runs.prune_diagnostics_after_days",
            message: "'0' is not a number of days from 1 to 3650"),
        Case(text: "closed_cases:\n  anonymise_after_months: 24\nvisit_notes:\n  clear_after_months: 12\n", line: 1, field: "import_runs",
            message: "missing key 'import_runs'"),
        Case(text: "closed_cases: [24\n", line: nil, field: nil, message: "YAML syntax error"),
    ]

    @Test(arguments: cases)
    func eachProblemNamesLineFieldAndFix(_ c: Case) {
        let (policy, problems) = RetentionPolicy.read(text: c.text, displayName: "Rules/retention.yaml")
        #expect(policy == nil)
        let problem = problems.first { $0.message.contains(c.message) }
        #expect(problem != nil, "problems were: \(problems)")
        if let line = c.line { #expect(problem?.line == line) }
        if let field = c.field { #expect(problem?.field == field) }
        #expect(problem?.file == "Rules/retention.yaml")
        #expect(problem?.fix.isEmpty == false)
    }

    @Test func aMissingFileIsAProblemNotADefault() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        #expect {
            _ = try RetentionPolicy.load(directory: dir)
        } throws: { error in
            "\(error)".contains("retention.yaml: is missing")
        }
    }
}
