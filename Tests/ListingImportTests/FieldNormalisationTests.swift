import Foundation
import HousingDomain
import Testing

@testable import ListingImport

@Suite struct FieldNormalisationTests {
    @Test(arguments: [
        ("2,5", 2.5), ("2.5", 2.5), ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("78 m²", 78.0), ("61,75 qm", 61.75),
    ] as [(String, Double?)])
    func readsDecimals(text: String, expected: Double?) {
        #expect(DraftBuilder.decimal(text) == expected)
    }

    @Test(arguments: ["abc", "", "1,2,3", "sechzig", "2½"])
    func rejectsNonDecimals(text: String) {
        #expect(DraftBuilder.decimal(text) == nil)
    }

    @Test(arguments: [("EG", 0), ("3", 3), ("-1", -1), ("1. OG", 1), ("2.OG", 2), ("UG", -1)] as [(String, Int?)])
    func readsFloors(text: String, expected: Int?) {
        #expect(DraftBuilder.floor(text) == expected)
    }

    @Test(arguments: [
        ("Gas", DraftBuilder.HeatingReading.known(.gas)), ("Fernwärme", .known(.district)), ("heat-pump", .known(.heatPump)),
        ("Nachtspeicher", .known(.electric)), ("Öl", .known(.oil)), ("GAS+SOLAR", .unknown), ("GAS+OEL", .ambiguous),
        ("Pelletofen", .unknown),
    ])
    func mapsHeatingWords(text: String, expected: DraftBuilder.HeatingReading) {
        #expect(DraftBuilder.heatingType(text) == expected)
    }

    @Test(arguments: [
        ("2027-02-01", CalendarDate(year: 2027, month: 2, day: 1)), ("2027-02-01T00:00:00", CalendarDate(year: 2027, month: 2, day: 1)),
        ("1.2.2027", CalendarDate(year: 2027, month: 2, day: 1)), ("15.12.2026", CalendarDate(year: 2026, month: 12, day: 15)),
        ("2027-02-30", nil), ("sofort", nil), ("ab 1.2.2027", nil), ("2027-2-1", nil),
    ] as [(String, CalendarDate?)])
    func readsDates(text: String, expected: CalendarDate?) {
        #expect(DraftBuilder.date(text) == expected)
    }

    @Test func contentHashIsStableAndChangesWithContent() {
        let draft = ListingDraft(
            source: "s", externalID: "1", address: Address(postalCode: PostalCode("24306"), place: "Plön"), rooms: 2,
            livingArea: 50, netColdRent: Money(euros: 400), operatingCosts: Money(euros: 90))
        // FNV-1a 64 test vectors from the reference implementation.
        #expect(FNV1a64.hex("") == "cbf29ce484222325")
        #expect(FNV1a64.hex("a") == "af63dc4c8601ec8c")
        var moved = draft
        moved.externalID = "2"
        #expect(moved.contentHash == draft.contentHash)  // identity is not content
        var dearer = draft
        dearer.netColdRent = Money(euros: 410)
        #expect(dearer.contentHash != draft.contentHash)
        #expect(draft.grossColdRent == Money(euros: 490))
    }
}
