import Foundation
import HousingDomain
import Testing

@testable import RuleBook

/// What a clerk reads: the verdict first, then the numbers that led to it.
@Suite struct ReportTests {
    @Test func counterQuestionReadsVerdictFirst() throws {
        let book = try Support.realBook()
        let judgement = try book.judge(
            CostCase(
                householdSize: 3, municipality: try Support.key("01057057"), netColdRent: Money(euros: 540),
                operatingCosts: Money(euros: 120), livingArea: 70),
            on: try Support.date("2026-03-01"))
        let text = CostJudgementReport.render(judgement)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "NOT APPROPRIATE — 150.00 € over the limit")
        #expect(lines.contains("  Region:           Vergleichsraum III Ost"))
        #expect(lines.contains("  Table:            valid from 2020-01-01 (Rules/cost-limits/2020-01-01.yaml)"))
        #expect(lines.contains("  Row:              3 persons (appropriate area 75 m²)"))
        #expect(lines.contains("  Limit:            510.00 € Bruttokaltmiete"))
        #expect(lines.contains("  Bruttokaltmiete:  660.00 € = 540.00 € Nettokaltmiete + 120.00 € kalte Betriebskosten"))
        #expect(lines.contains("  Excess:           150.00 €"))
        #expect(lines.contains("  Heating:          not judged — heating type not given"))
    }

    @Test func appropriateFlatShowsHeadroomAndHeating() throws {
        let book = try Support.realBook()
        let judgement = try book.judge(
            CostCase(
                householdSize: 2, municipality: try Support.key("01057062"), netColdRent: Money(euros: 330),
                operatingCosts: Money(euros: 100), heatingCosts: Money(euros: 120), heatingType: .gas, livingArea: 58),
            on: try Support.date("2026-03-01"))
        let text = CostJudgementReport.render(judgement)
        #expect(text.hasPrefix("APPROPRIATE — within the KdU limit by 30.00 €\n"))
        #expect(text.contains("  Headroom:         30.00 €\n"))
        // 22.00 × 60 ÷ 12 = 110.00
        #expect(text.contains("  Heating:          ABOVE the threshold by 10.00 € — 120.00 € against 110.00 € a month (gas: 22.00 € per m² and year × 60 m² ÷ 12)\n"))
    }

    @Test func judgementRoundTripsThroughJSONWithMoneyAsText() throws {
        let book = try Support.realBook()
        let judgement = try book.judge(
            CostCase(
                householdSize: 2, municipality: try Support.key("01057062"), netColdRent: Money(euros: 330),
                operatingCosts: Money(euros: 100), livingArea: 58),
            on: try Support.date("2026-03-01"))
        let data = try JSONEncoder().encode(judgement)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains("\"limit\":\"460.00\""))
        #expect(json.contains("\"verdict\":\"appropriate\""))
        #expect(try JSONDecoder().decode(CostJudgement.self, from: data) == judgement)
    }

    @Test func showRendersEveryRegionAndSize() throws {
        let book = try Support.realBook()
        let date = try Support.date("2026-03-01")
        let table = try #require(book.costTable(on: date))
        let text = CostJudgementReport.render(table: table, heating: book.heating(on: date), on: date, gazetteer: book.gazetteer)
        #expect(text.contains("I Nord                        430.00 €  520.00 €  630.00 €  730.00 €  860.00 €"))
        #expect(text.contains("III Ost                       390.00 €  430.00 €  510.00 €  600.00 €  680.00 €"))
        #expect(text.contains("PLACEHOLDER"))
    }
}
