import Foundation
import HousingDomain
import Testing

@testable import ListingImport

@Suite struct FieldNormalisationTests {
    @Test(arguments: [
        ("2,5", 2.5), ("2.5", 2.5), ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("78 m²", 78.0), ("61,75 qm", 61.75),
        ("61.75", 61.75), ("3", 3.0), ("+2.5", 2.5), ("-1.5", -1.5), (" 2.5 ", 2.5), ("1.234.567", nil), ("2.", 2.0), (".5", 0.5),
        ("-", nil), ("1e5", nil),
    ] as [(String, Double?)])
    func readsDecimals(text: String, expected: Double?) {
        #expect(DraftBuilder.decimal(text) == expected)
    }

    @Test(arguments: ["abc", "", "1,2,3", "sechzig", "2½"])
    func rejectsNonDecimals(text: String) {
        #expect(DraftBuilder.decimal(text) == nil)
    }

    @Test(arguments: [
        ("true", true), ("1", true), ("false", false), ("0", false), (" TRUE ", true), ("Ja", true), ("nein", false), ("01", nil),
        ("2", nil), ("", nil), ("True", true),
    ] as [(String, Bool?)])
    func readsBooleans(text: String, expected: Bool?) {
        #expect(DraftBuilder.bool(text) == expected)
    }

    @Test(arguments: [("EG", 0), ("3", 3), ("-1", -1), ("1. OG", 1), ("2.OG", 2), ("UG", -1)] as [(String, Int?)])
    func readsFloors(text: String, expected: Int?) {
        #expect(DraftBuilder.floor(text) == expected)
    }

    @Test(arguments: [
        ("Gas", DraftBuilder.HeatingReading.known(.gas)), ("Fernwärme", .known(.district)), ("heat-pump", .known(.heatPump)),
        ("Nachtspeicher", .known(.electric)), ("Öl", .known(.oil)), ("GAS+SOLAR", .unknown), ("GAS+OEL", .ambiguous),
        ("Pelletofen", .unknown), (" gas ", .known(.gas)), ("GAS", .known(.gas)), ("FERN", .known(.district)), ("", .unknown),
        ("gas / erdgas", .known(.gas)),
    ])
    func mapsHeatingWords(text: String, expected: DraftBuilder.HeatingReading) {
        #expect(DraftBuilder.heatingType(text) == expected)
    }

    @Test(arguments: [
        ("2027-02-01", CalendarDate(year: 2027, month: 2, day: 1)), ("2027-02-01T00:00:00", CalendarDate(year: 2027, month: 2, day: 1)),
        ("1.2.2027", CalendarDate(year: 2027, month: 2, day: 1)), ("15.12.2026", CalendarDate(year: 2026, month: 12, day: 15)),
        ("2027-02-30", nil), ("sofort", nil), ("ab 1.2.2027", nil), ("2027-2-1", nil), ("+1.2.2027", CalendarDate(year: 2027, month: 2, day: 1)),
        ("01.05.2027", CalendarDate(year: 2027, month: 5, day: 1)), ("nach Vereinbarung", nil), ("1.2.2027.", nil),
        ("-1.2.2027", nil), ("1.+2.2027", CalendarDate(year: 2027, month: 2, day: 1)), ("1..2027", nil), ("1.2.+202", CalendarDate(year: 202, month: 2, day: 1)),
        ("123.1.2027", nil), ("1.2.20270", nil), ("1.2.2O27", nil), ("ab 1.2.", nil), ("1.2.2027 ", nil), ("1.2.-202", nil),
        ("2027-02-01 12:00", CalendarDate(year: 2027, month: 2, day: 1)), ("2027-02-01x", nil), ("1.2.２０２７", nil),
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

    /// The hashes stored by earlier versions must stay valid, or the first run after an upgrade would
    /// rewrite every flat as changed: the content text and its hash are pinned, for a full and a bare draft.
    @Test func contentHashIsPinned() throws {
        let full = ListingDraft(
            source: "s", externalID: "1", obid: "OB1", title: "Helle Wohnung", url: "https://example.org/1",
            address: Address(street: "Lange Straße", houseNumber: "12a", postalCode: PostalCode("24306"), place: "Plön"),
            coordinate: Coordinate(latitude: 54.1624, longitude: 10.4214), rooms: 2.5, livingArea: 61.75, floor: -1, lift: true,
            stepFree: false, netColdRent: Money(cents: 48050), operatingCosts: Money(cents: 12025), heatingCosts: Money(cents: 7500),
            heatingIncluded: true, heatingType: .heatPump, deposit: Money(cents: 144150), availableFrom: CalendarDate(year: 2027, month: 3, day: 1),
            availableFromText: "sofort", wbsRequired: true, petsAllowed: false,
            contact: LandlordContactDraft(company: "Wohnbau", name: "Jana Beispiel", phone: "04522 0001", email: "info@example.org"))
        let fullText = [
            "title=Helle Wohnung", "url=https://example.org/1", "street=Lange Straße", "house_number=12a", "postal_code=24306",
            "place=Plön", "latitude=54.1624", "longitude=10.4214", "rooms=2.5", "living_area=61.75", "floor=-1", "lift=1",
            "step_free=0", "net_cold_rent=48050", "operating_costs=12025", "heating_costs=7500", "heating_included=1",
            "heating_type=heat-pump", "deposit=144150", "available_from=2027-03-01", "available_from_text=sofort", "wbs_required=1",
            "pets_allowed=0", "landlord_company=Wohnbau", "contact_name=Jana Beispiel", "contact_phone=04522 0001",
            "contact_email=info@example.org",
        ].joined(separator: "\u{1F}")
        #expect(full.canonicalContent == fullText)
        #expect(full.contentHash == FNV1a64.hex(fullText))
        #expect(full.contentHash == "ea99a9a61177c1b0")

        let bare = ListingDraft(
            source: "s", externalID: "2", address: Address(postalCode: PostalCode("24306")), rooms: 1, livingArea: 30,
            netColdRent: Money(euros: 300))
        let bareText = [
            "title=", "url=", "street=", "house_number=", "postal_code=24306", "place=", "latitude=", "longitude=", "rooms=1.0",
            "living_area=30.0", "floor=", "lift=", "step_free=", "net_cold_rent=30000", "operating_costs=", "heating_costs=",
            "heating_included=0", "heating_type=", "deposit=", "available_from=", "available_from_text=", "wbs_required=0",
            "pets_allowed=", "landlord_company=", "contact_name=", "contact_phone=", "contact_email=",
        ].joined(separator: "\u{1F}")
        #expect(bare.canonicalContent == bareText)
        #expect(bare.contentHash == FNV1a64.hex(bareText))
        #expect(bare.contentHash == "7d7acc773ca5a9f0")
    }
}
