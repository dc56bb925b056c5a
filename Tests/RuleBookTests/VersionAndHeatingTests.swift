import Foundation
import HousingDomain
import Testing

@testable import RuleBook

/// The table in force on a date, and heating judged on its own.
@Suite struct VersionAndHeatingTests {
    /// Real rules plus `Fixtures/newer-table`: a second table and heating file valid from 2024-01-01.
    static func twoVersions() throws -> RuleBook {
        try RuleBook.load(directory: try Support.rules(overlay: "newer-table"))
    }

    static func plön3(rent: Int64, operating: Int64 = 100, heating: Money? = nil, type: HeatingType? = nil, included: Bool = false) throws -> CostCase {
        CostCase(
            householdSize: 3, municipality: try Support.key("01057057"), netColdRent: Money(euros: rent),
            operatingCosts: Money(euros: operating), heatingCosts: heating, heatingIncluded: included, heatingType: type, livingArea: 70)
    }

    @Test(arguments: [
        ("2020-01-01", "2020-01-01", "510.00"),
        ("2023-12-31", "2020-01-01", "510.00"),
        ("2024-01-01", "2024-01-01", "580.00"),
        ("2026-03-01", "2024-01-01", "580.00"),
    ])
    func theTableInForceIsChosenByDate(on: String, version: String, limit: String) throws {
        let book = try Self.twoVersions()
        let judgement = try book.judge(try Self.plön3(rent: 400), on: try Support.date(on))
        #expect(judgement.table?.validFrom == (try Support.date(version)))
        #expect(judgement.limit == (try Support.euros(limit)))
        #expect(book.costTable(on: try Support.date(on))?.validFrom == (try Support.date(version)))
    }

    @Test func beforeTheOldestTableNothingIsJudged() throws {
        let book = try Support.realBook()
        let date = try Support.date("2019-12-31")
        #expect(throws: RuleBookError.noTableInForce(date: date, earliest: try Support.date("2020-01-01"))) {
            try book.judge(try Self.plön3(rent: 400), on: date)
        }
    }

    /// Real placeholder thresholds: gas 22.00 €/m²·year × 75 m² ÷ 12 = 137.50 € a month for 3 persons.
    @Test(arguments: [
        ("137.50", HeatingType.gas, HeatingJudgement.Verdict.withinThreshold, "0.00"),
        ("137.51", .gas, .aboveThreshold, "-0.01"),
        ("100.00", .oil, .withinThreshold, "37.50"),
        ("150.00", .district, .withinThreshold, "0.00"),  // 24.00 × 75 ÷ 12
        ("125.01", .heatPump, .aboveThreshold, "-0.01"),  // 20.00 × 75 ÷ 12 = 125.00
        ("187.50", .electric, .withinThreshold, "0.00"),  // 30.00 × 75 ÷ 12
    ])
    func heatingVerdicts(cost: String, type: HeatingType, verdict: HeatingJudgement.Verdict, headroom: String) throws {
        let book = try Support.realBook()
        let judgement = try book.judge(try Self.plön3(rent: 400, heating: try Support.euros(cost), type: type), on: try Support.date("2026-03-01"))
        #expect(judgement.heating.verdict == verdict)
        #expect(judgement.heating.headroom == (try Support.euros(headroom)))
        #expect(judgement.heating.appropriateArea == 75)
        #expect(judgement.heating.placeholderFigures)
        #expect(judgement.notes.contains { $0.contains("placeholders") })
        // Heating never changes the rent verdict while the combined cap is off.
        #expect(judgement.verdict == .appropriate)
        #expect(judgement.combinedCap == nil)
    }

    @Test func heatingWithoutTypeOrIncludedIsNotJudgedOnItsOwn() throws {
        let book = try Support.realBook()
        let date = try Support.date("2026-03-01")
        let noType = try book.judge(try Self.plön3(rent: 400, heating: Money(euros: 90)), on: date)
        #expect(noType.heating.verdict == .notJudged)
        #expect(noType.heating.reason == "heating type not given")
        let included = try book.judge(try Self.plön3(rent: 400, type: .gas, included: true), on: date)
        #expect(included.heating.verdict == .includedInOperatingCosts)
        #expect(included.notes.contains { $0.hasPrefix("Heating is included in the operating costs") })
    }

    /// 2024 fixture: combined cap on; gas 24.00 × 75 ÷ 12 = 150.00; cap = 580 + 150 = 730.
    @Test func combinedCapDecidesWhenSwitchedOn() throws {
        let book = try Self.twoVersions()
        let date = try Support.date("2024-06-01")
        // Rent 600 is 20 € over 580, but rent + heating 700 is within the combined cap 730.
        let within = try book.judge(try Self.plön3(rent: 500, heating: Money(euros: 100), type: .gas), on: date)
        #expect(within.headroom == Money(euros: -20))
        #expect(within.combinedCap == CombinedCapJudgement(cap: Money(euros: 730), cost: Money(euros: 700), headroom: Money(euros: 30)))
        #expect(within.verdict == .appropriate)
        #expect(CostJudgementReport.headline(within) == "APPROPRIATE — within the combined rent-plus-heating cap by 30.00 €")
        #expect(!within.heating.placeholderFigures)

        let over = try book.judge(try Self.plön3(rent: 500, heating: Money(cents: 13001), type: .gas), on: date)
        #expect(over.verdict == .notAppropriate)
        #expect(over.combinedCap?.headroom == Money(cents: -1))
    }
}
