import Foundation
import HousingDomain
import Testing

@testable import RuleBook

/// Each folder under `Fixtures/broken/` breaks the real rules in one way a person editing them might.
@Suite struct BadRulesTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var fixture: String
        var file: String
        var line: Int?
        var field: String?
        var message: String
        var testDescription: String { fixture }
    }

    static let cases: [Case] = [
        Case(
            fixture: "unknown-key", file: "Rules/cost-limits/2020-01-01.yaml", line: 24, field: "maximum_rent",
            message: "unknown key 'maximum_rent'"),
        Case(
            fixture: "missing-size", file: "Rules/cost-limits/2020-01-01.yaml", line: 54, field: "regions[2].limits",
            message: "no entry for household size 3"),
        Case(
            fixture: "duplicate-valid-from", file: "Rules/cost-limits/2020-01-01.yaml", line: 10, field: "valid_from",
            message: "2020-01-01-copy.yaml:10 are both cost-limit tables valid from 2020-01-01"),
        Case(
            fixture: "municipality-in-two-regions", file: "Rules/cost-limits/2020-01-01.yaml", line: 63, field: "regions[3]",
            message: "Schwentinental, Stadt (01057091) is in region 'I' (line 45) and again in region 'III'"),
        Case(
            fixture: "municipality-in-none", file: "Rules/cost-limits/2020-01-01.yaml", line: 41, field: "regions",
            message: "the 15 municipalities of Amt Lütjenburg are in no region"),
        Case(
            fixture: "negative-limit", file: "Rules/cost-limits/2020-01-01.yaml", line: 46, field: "regions[1].limits.5",
            message: "'-860' must be more than zero"),
        Case(
            fixture: "non-numeric-limit", file: "Rules/cost-limits/2020-01-01.yaml", line: 46, field: "regions[1].limits.3",
            message: "'sechshundert' is not a euro amount"),
        Case(
            fixture: "yaml-syntax", file: "Rules/cost-limits/2020-01-01.yaml", line: 49, field: nil,
            message: "YAML syntax error"),
        Case(
            fixture: "heating-unknown-type", file: "Rules/heating/2020-01-01.yaml", line: 23, field: "threshold_per_m2_year.wood",
            message: "unknown key 'wood'"),
        Case(
            fixture: "amtsfrei-missing", file: "Rules/cost-limits/2020-01-01.yaml", line: 41, field: "regions",
            message: "Bösdorf (01057009, amtsfrei) is in no region"),
    ]

    @Test(arguments: cases)
    func eachProblemNamesFileLineAndFix(_ c: Case) throws {
        let rules = try Support.rules(overlay: "broken/\(c.fixture)")
        let problems = RuleBook.validate(directory: rules)
        #expect(problems.count == 1, "\(problems.map(\.description).joined(separator: "\n"))")
        let problem = try #require(problems.first)
        #expect(problem.file.hasSuffix(c.file))
        #expect(problem.line == c.line)
        #expect(problem.field == c.field)
        #expect(problem.message.contains(c.message), "\(problem.message)")
        #expect(!problem.fix.isEmpty)
    }

    @Test(arguments: cases.map(\.fixture))
    func brokenRulesAreNeverUsedToJudge(_ fixture: String) throws {
        let rules = try Support.rules(overlay: "broken/\(fixture)")
        do {
            _ = try RuleBook.load(directory: rules)
            Issue.record("loaded broken rules")
        } catch {
            guard case .invalidRules(_, let problems) = error else { Issue.record("wrong error \(error)"); return }
            #expect(!problems.isEmpty)
            #expect(error.description.contains("Wohnlotse will not judge costs with broken rules"))
        }
    }

    @Test func problemsInSeveralFilesAreAllListed() throws {
        let rules = try Support.rules(overlay: "broken/heating-unknown-type")
        let table = rules.appendingPathComponent("cost-limits/2020-01-01.yaml")
        let text = try String(contentsOf: table, encoding: .utf8).replacingOccurrences(of: "5: 860}", with: "5: -860}")
        try text.write(to: table, atomically: true, encoding: .utf8)
        let problems = RuleBook.validate(directory: rules)
        #expect(Set(problems.map { URL(fileURLWithPath: $0.file).lastPathComponent }) == ["2020-01-01.yaml"])
        #expect(Set(problems.map { URL(fileURLWithPath: $0.file).deletingLastPathComponent().lastPathComponent }) == ["cost-limits", "heating"])
    }

    @Test func aMissingDirectoryIsAProblemNotACrash() {
        let problems = RuleBook.validate(directory: URL(fileURLWithPath: "/nonexistent/Rules"))
        #expect(problems.count == 1)
        #expect(problems.first?.message == "is not a directory of rules")
    }

    @Test func theRealRulesAreValid() throws {
        #expect(RuleBook.validate(directory: Support.realRules) == [])
        let book = try Support.realBook()
        #expect(book.costTables.count == 1)
        #expect(book.gazetteer.entries.count == 176)
    }

    @Test func problemDescriptionReadsFileLineFieldMessageAndFix() {
        let problem = RuleProblem(file: "Rules/x.yaml", line: 3, field: "a.b", message: "is wrong", fix: "do this")
        #expect(problem.description == "Rules/x.yaml:3: a.b: is wrong — do this")
    }
}
