import Foundation
import HousingDomain
import Testing

@testable import RuleBook

/// Hand-computed limits of the 2020 table for every region and household sizes 1–7.
///
/// Sizes 6 and 7 use the larger-household rule of the rules file: the 5-person limit × area ÷ 95 m²,
/// rounded to the cent (e.g. region I, 6 persons: 860 € × 105 ÷ 95 = 950.526… → 950.53 €).
@Suite struct CostLimitTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var region: String
        var ags: String
        var size: Int
        var limit: String
        var area: Int
        var largerRule: Bool
        var testDescription: String { "region \(region), \(size) P, \(ags): \(limit) €" }
    }

    static let rows: [Row] = {
        // (region, municipality, limits 1–7 in euros as text)
        let table: [(String, String, [String])] = [
            ("I", "01057091", ["430.00", "520.00", "630.00", "730.00", "860.00", "950.53", "1041.05"]),  // Schwentinental
            ("II", "01057062", ["400.00", "460.00", "570.00", "630.00", "720.00", "795.79", "871.58"]),  // Preetz
            ("III", "01057057", ["390.00", "430.00", "510.00", "600.00", "680.00", "751.58", "823.16"]),  // Plön
        ]
        let areas = [50, 60, 75, 85, 95, 105, 115]
        return table.flatMap { region, ags, limits in
            limits.enumerated().map { index, limit in
                Row(region: region, ags: ags, size: index + 1, limit: limit, area: areas[index], largerRule: index >= 5)
            }
        }
    }()

    @Test(arguments: rows)
    func exactlyAtTheLimitIsAppropriate(_ row: Row) throws {
        let book = try Support.realBook()
        let limit = try Support.euros(row.limit)
        // Split the limit into net rent and operating costs the way a listing would.
        let operating = Money(euros: 100)
        let costCase = CostCase(
            householdSize: row.size, municipality: try Support.key(row.ags), netColdRent: limit - operating,
            operatingCosts: operating, livingArea: 60)
        let judgement = try book.judge(costCase, on: try Support.date("2026-03-01"))
        #expect(judgement.verdict == .appropriate)
        #expect(judgement.region?.id == row.region)
        #expect(judgement.limit == limit)
        #expect(judgement.grossColdRent == limit)
        #expect(judgement.headroom == .zero)
        #expect(judgement.row?.householdSize == row.size)
        #expect(judgement.row?.tableRow == min(row.size, 5))
        #expect(judgement.row?.largerHouseholdRule == row.largerRule)
        #expect(judgement.row?.appropriateArea == row.area)
        #expect(judgement.table?.validFrom == (try Support.date("2020-01-01")))
    }

    @Test(arguments: rows)
    func oneCentOverIsNotAppropriate(_ row: Row) throws {
        let book = try Support.realBook()
        let limit = try Support.euros(row.limit)
        let costCase = CostCase(
            householdSize: row.size, municipality: try Support.key(row.ags), netColdRent: limit - Money(euros: 80),
            operatingCosts: Money(cents: 8001), livingArea: 60)
        let judgement = try book.judge(costCase, on: try Support.date("2026-03-01"))
        #expect(judgement.verdict == .notAppropriate)
        #expect(judgement.headroom == Money(cents: -1))
        #expect(CostJudgementReport.headline(judgement) == "NOT APPROPRIATE — 0.01 € over the limit")
    }

    /// Members by Amt and by AGS land in the region of kdu-kreis-ploen.md.
    @Test(arguments: [
        ("01057025", "I"),  // Heikendorf, Amt Schrevenborn
        ("01057073", "I"),  // Schönberg (Holstein), Amt Probstei
        ("01057043", "I"),  // Laboe, Amt Probstei
        ("01057085", "II"),  // Wankendorf, Amt Bokhorst-Wankendorf
        ("01057070", "II"),  // Schellhorn, Amt Preetz-Land
        ("01057077", "II"),  // Selent, Amt Selent/Schlesen
        ("01057008", "II"),  // Bönebüttel, amtsfrei
        ("01057015", "III"),  // Dersau, Amt Großer Plöner See
        ("01057048", "III"),  // Lütjenburg, Amt Lütjenburg
        ("01057001", "III"),  // Ascheberg (Holstein), amtsfrei
        ("01057009", "III"),  // Bösdorf, amtsfrei
    ])
    func municipalitiesLandInTheirRegion(ags: String, region: String) throws {
        let book = try Support.realBook()
        let table = try #require(book.costTable(on: try Support.date("2026-03-01")))
        #expect(table.region(containing: try Support.key(ags))?.id == region)
    }

    @Test func everyCountyMunicipalityIsInExactlyOneRegion() throws {
        let book = try Support.realBook()
        let table = try #require(book.costTables.first)
        let keys = book.gazetteer.kreisPloenMunicipalities
        #expect(keys.count == 85)
        for key in keys {
            #expect(table.regions.filter { $0.members.contains(key) }.count == 1, "\(key)")
        }
        #expect(table.regions.map(\.members.count).reduce(0, +) == 85)
    }

    @Test func kielHasNoKreisPloenLimit() throws {
        let book = try Support.realBook()
        let judgement = try book.judge(
            CostCase(
                householdSize: 2, municipality: try Support.key("01002000"), netColdRent: Money(euros: 400),
                operatingCosts: Money(euros: 100), livingArea: 55),
            on: try Support.date("2026-03-01"))
        #expect(judgement.verdict == .noCountyLimit)
        #expect(judgement.limit == nil)
        #expect(CostJudgementReport.headline(judgement) == "NO KREIS PLÖN LIMIT — Kiel, Landeshauptstadt (01002000) is outside Kreis Plön")
        #expect(judgement.notes.contains { $0.contains("no Kreis Plön limit applies") })
    }

    @Test func notesForUnder25SingleDepositAndLargerArea() throws {
        let book = try Support.realBook()
        let judgement = try book.judge(
            CostCase(
                householdSize: 1, memberAges: [22], municipality: try Support.key("01057057"), netColdRent: Money(euros: 300),
                operatingCosts: Money(euros: 80), livingArea: 55, deposit: Money(euros: 1000)),
            on: try Support.date("2026-03-01"))
        #expect(judgement.verdict == .appropriate)
        #expect(judgement.headroom == Money(euros: 10))
        #expect(judgement.notes.contains { $0.hasPrefix("Under-25 single (22): separate approval needed") })
        #expect(judgement.notes.contains { $0.hasPrefix("Deposit 1000.00 € needs its own approval") && $0.contains("more than three net cold rents") })
        #expect(judgement.notes.contains { $0.contains("larger than the appropriate 50 m²") })
    }

    @Test func singleOver25GetsNoUnder25Note() throws {
        let book = try Support.realBook()
        let judgement = try book.judge(
            CostCase(
                householdSize: 1, memberAges: [25], municipality: try Support.key("01057057"), netColdRent: Money(euros: 300),
                operatingCosts: Money(euros: 80), livingArea: 45),
            on: try Support.date("2026-03-01"))
        #expect(!judgement.notes.contains { $0.contains("25") && $0.contains("separate approval") })
    }

    @Test func largerHouseholdRuleIsNamedInTheNotes() throws {
        let book = try Support.realBook()
        let judgement = try book.judge(
            CostCase(
                householdSize: 7, municipality: try Support.key("01057057"), netColdRent: Money(euros: 700),
                operatingCosts: Money(euros: 100), livingArea: 110),
            on: try Support.date("2026-03-01"))
        #expect(judgement.limit == Money(cents: 82316))
        #expect(judgement.notes.contains { $0.contains("LOCAL ASSUMPTION") })
    }

    @Test func areaNorms() throws {
        let book = try Support.realBook()
        let date = try Support.date("2026-03-01")
        #expect(try book.appropriateArea(householdSize: 1, on: date) == 50)
        #expect(try book.appropriateArea(householdSize: 4, on: date) == 85)
        #expect(try book.appropriateArea(householdSize: 6, on: date) == 105)
        #expect(book.wbsNorm(householdSize: 4) == WBSNorms.Norm(area: 90, rooms: 4))
        #expect(book.wbsNorm(householdSize: 7) == WBSNorms.Norm(area: 125, rooms: 7))
    }

    @Test(arguments: [
        (0, "household size"), (-1, "household size"),
    ])
    func impossibleCasesAreRefused(size: Int, field: String) throws {
        let book = try Support.realBook()
        #expect(throws: RuleBookError.invalidCase(field: field, value: String(size), hint: "give 1 to 20 persons")) {
            try book.judge(
                CostCase(
                    householdSize: size, municipality: try Support.key("01057057"), netColdRent: Money(euros: 300),
                    operatingCosts: Money(euros: 80), livingArea: 45),
                on: try Support.date("2026-03-01"))
        }
    }

    @Test func unknownCountyKeyIsRefusedNotCalledOutside() throws {
        let book = try Support.realBook()
        #expect(throws: RuleBookError.self) {
            try book.judge(
                CostCase(
                    householdSize: 1, municipality: try Support.key("01057999"), netColdRent: Money(euros: 300),
                    operatingCosts: Money(euros: 80), livingArea: 45),
                on: try Support.date("2026-03-01"))
        }
        // A place elsewhere in Germany is simply outside the county.
        let hamburg = try book.judge(
            CostCase(
                householdSize: 1, municipality: try Support.key("02000000"), netColdRent: Money(euros: 300),
                operatingCosts: Money(euros: 80), livingArea: 45),
            on: try Support.date("2026-03-01"))
        #expect(hamburg.verdict == .noCountyLimit)
    }

    @Test func caseFromAListingAndMembersTakesAgesOnTheDate() throws {
        let book = try Support.realBook()
        let date = try Support.date("2026-03-01")
        var listing = Listing(
            source: "manual", externalID: "1", address: Address(postalCode: PostalCode("24306"), place: "Plön"), rooms: 2,
            livingArea: 45, netColdRent: Money(euros: 300), operatingCosts: Money(euros: 90), firstSeen: date, lastSeen: date)
        let member = Member(
            householdID: 1, givenName: "A", familyName: "B", birthDate: try Support.date("2001-03-02"), role: .applicant)
        #expect(throws: RuleBookError.self) { try CostCase(listing: listing, members: [member], on: date) }
        listing.municipality = try Support.key("01057057")
        let costCase = try CostCase(listing: listing, members: [member], on: date)
        #expect(costCase.memberAges == [24])
        let judgement = try book.judge(costCase, on: date)
        #expect(judgement.headroom == Money(euros: 0))
        #expect(judgement.notes.contains { $0.hasPrefix("Under-25 single (24)") })
    }

    @Test func negativeRentIsRefused() throws {
        let book = try Support.realBook()
        #expect(throws: RuleBookError.self) {
            try book.judge(
                CostCase(
                    householdSize: 1, municipality: try Support.key("01057057"), netColdRent: Money(euros: -300),
                    operatingCosts: Money(euros: 80), livingArea: 45),
                on: try Support.date("2026-03-01"))
        }
    }
}
