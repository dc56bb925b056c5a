import Foundation
import HousingDomain
import Testing

@testable import ListingImport

@Suite struct OpenImmoParserTests {
    let parser = OpenImmoParser()

    @Test func mapsEveryFieldOfAFullListing() throws {
        let (records, summary) = try parser.parseAll(fileAt: try Fixture.url("openimmo-all-fields.xml"), source: "fx")
        #expect(summary.scope == .full)
        #expect(summary.version == "1.2.7")
        #expect(summary.diagnostics.isEmpty, "\(summary.diagnostics)")
        let draft = try #require(records.drafts.first)
        #expect(records.count == 1)
        #expect(draft.source == "fx")
        #expect(draft.externalID == "FX-1")
        #expect(draft.obid == "OBID-FX-1")
        #expect(draft.title == "Helle 2,5-Zimmer-Wohnung")
        #expect(draft.address == Address(street: "Lange Straße", houseNumber: "12a", postalCode: PostalCode("24306"), place: "Plön"))
        #expect(draft.coordinate == Coordinate(latitude: 54.1624, longitude: 10.4214))
        #expect(draft.floor == 2)
        #expect(draft.rooms == 2.5)
        #expect(draft.livingArea == 61.75)
        // nettokaltmiete wins over kaltmiete, whatever the order.
        #expect(draft.netColdRent == Money(cents: 48050))
        #expect(draft.operatingCosts == Money(cents: 12025))
        #expect(draft.grossColdRent == Money(cents: 60075))
        #expect(draft.heatingCosts == Money(cents: 7500))
        #expect(draft.heatingIncluded == false)
        #expect(draft.heatingType == .gas)
        #expect(draft.deposit == Money(cents: 144150))
        #expect(draft.lift == true)
        #expect(draft.stepFree == true)
        #expect(draft.availableFrom == CalendarDate(year: 2027, month: 3, day: 1))
        #expect(draft.availableFromText == nil)
        #expect(draft.wbsRequired == true)
        #expect(draft.petsAllowed == false)
        // kontaktperson/plz must not leak into the flat's address; tel_durchw beats tel_zentrale.
        #expect(draft.contact == LandlordContactDraft(company: "Kontakt Wohnbau (fiktiv)", name: "Jana Beispiel", phone: "04522 0001", email: "info@example.org"))
        #expect(draft.contentHash.count == 16)
    }

    @Test func readsTeilWithChangeDeleteNewAndObidFallback() throws {
        let (records, summary) = try parser.parseAll(fileAt: try Fixture.url("openimmo-actions.xml"), source: "fx")
        #expect(summary.scope == .partial)
        #expect(summary.version == "1.2.4")  // other versions are accepted
        #expect(summary.upserts == 3)
        #expect(summary.deletes == 1)
        #expect(records.drafts.map(\.externalID) == ["NEW-1", "CHG-1", "OB-ONLY-1"])
        #expect(records.deletedIDs == ["OB-DEL-1"])
        // kaltmiete is used when nettokaltmiete is missing.
        #expect(records.draft("NEW-1")?.netColdRent == Money(euros: 400))
        #expect(records.draft("CHG-1")?.netColdRent == Money(euros: 410))
        // Unknown elements are ignored without diagnostics.
        #expect(summary.diagnostics.isEmpty, "\(summary.diagnostics)")
    }

    @Test(arguments: [
        ("true", true), ("false", false), ("1", true), ("0", false), ("TRUE", true), ("ja", true), ("nein", false),
    ])
    func readsBooleans(text: String, expected: Bool) throws {
        let draft = try parseOne(extra: "<verwaltung_objekt><wbs_sozialwohnung>\(text)</wbs_sozialwohnung><haustiere>\(text)</haustiere></verwaltung_objekt><ausstattung><fahrstuhl PERSONEN=\"\(text)\"/><barrierefrei>\(text)</barrierefrei></ausstattung>")
        #expect(draft.wbsRequired == expected)
        #expect(draft.petsAllowed == expected)
        #expect(draft.lift == expected)
        #expect(draft.stepFree == expected)
    }

    @Test(arguments: [("2,5", 2.5), ("2.5", 2.5), ("3", 3.0), ("3.00", 3.0), ("1,0", 1.0), ("4,5", 4.5)])
    func readsDecimalRooms(text: String, expected: Double) throws {
        let draft = try parseOne(rooms: text)
        #expect(draft.rooms == expected)
    }

    @Test(arguments: [
        ("<befeuerung GAS=\"true\"/>", HeatingType?.some(.gas)),
        ("<befeuerung OEL=\"1\"/>", .oil),
        ("<befeuerung FERN=\"true\" GAS=\"false\"/>", .district),
        ("<befeuerung LUFTWP=\"true\"/>", .heatPump),
        ("<befeuerung ERDWAERME=\"true\"/>", .heatPump),
        ("<befeuerung ELEKTRO=\"true\"/>", .electric),
        ("<heizungsart FERN=\"true\"/>", .district),
        ("<heizungsart ZENTRAL=\"true\"/>", nil),
        ("<befeuerung PELLET=\"true\"/>", nil),
    ])
    func mapsHeatingType(element: String, expected: HeatingType?) throws {
        let draft = try parseOne(extra: "<ausstattung>\(element)</ausstattung>")
        #expect(draft.heatingType == expected)
    }

    @Test(arguments: [
        ("sofort", nil, "sofort"), ("nach Vereinbarung", nil, "nach Vereinbarung"),
        ("2027-02-01", CalendarDate(year: 2027, month: 2, day: 1), nil),
        ("1.2.2027", CalendarDate(year: 2027, month: 2, day: 1), nil),
    ] as [(String, CalendarDate?, String?)])
    func readsAvailableFrom(text: String, date: CalendarDate?, words: String?) throws {
        let draft = try parseOne(extra: "<verwaltung_objekt><verfuegbar_ab>\(text)</verfuegbar_ab></verwaltung_objekt>")
        #expect(draft.availableFrom == date)
        #expect(draft.availableFromText == words)
    }

    @Test(arguments: [
        ("<kaution>1200.00</kaution>", Money?.some(Money(euros: 1200))),
        ("<kaution_text>3 Nettokaltmieten</kaution_text>", Money(euros: 1200)),
        ("<kaution>2 x Kaltmiete</kaution>", Money(euros: 800)),
        ("<kaution_text>nach Absprache</kaution_text>", nil),
    ])
    func readsDeposit(element: String, expected: Money?) throws {
        let draft = try parseOne(preise: "<nettokaltmiete>400.00</nettokaltmiete><nebenkosten>90</nebenkosten>\(element)")
        #expect(draft.deposit == expected)
    }

    @Test func badRowsGiveDiagnosticsAndTheRestImports() throws {
        let (records, summary) = try parser.parseAll(fileAt: try Fixture.url("openimmo-bad-rows.xml"), source: "fx")
        #expect(records.drafts.map(\.externalID) == ["WARNINGS-ONLY", "GOOD"])
        #expect(summary.skipped == 5)
        let errors = summary.errors.map { "\($0.listing ?? "-") \($0.field)" }
        #expect(errors == ["NO-RENT net_cold_rent", "RENT-ABC net_cold_rent", "NEG-AREA living_area", "ZERO-ROOMS rooms", "- id"])
        let warnings = Set(summary.warnings.map(\.field))
        #expect(warnings == ["floor", "operating_costs", "deposit", "heating_type", "step_free"])
        // Positions point at the element: the bad rent is on line 13.
        let rentABC = try #require(summary.errors.first { $0.listing == "RENT-ABC" })
        guard case .lineColumn(let line, _) = rentABC.position else {
            Issue.record("expected a line/column position, got \(rentABC.position)")
            return
        }
        #expect(line == 13)
        #expect(rentABC.description.contains("fx"))
        #expect(rentABC.message.contains("abc"))
        let warned = try #require(records.draft("WARNINGS-ONLY"))
        #expect(warned.floor == nil && warned.operatingCosts == nil && warned.grossColdRent == nil)
        #expect(warned.heatingType == nil && warned.deposit == nil && warned.stepFree == nil)
    }

    @Test(arguments: ["openimmo-malformed.xml", "openimmo-truncated.xml"], [OpenImmoParser.Engine.automatic, .foundation])
    func malformedOrTruncatedXMLFailsWithPosition(name: String, engine: OpenImmoParser.Engine) throws {
        var emitted = 0
        let error = try #require(throws: FeedError.self) {
            _ = try OpenImmoParser(engine: engine).parse(fileAt: try Fixture.url(name), source: "fx") { _ in emitted += 1 }
        }
        guard case .malformedXML(let source, let line, _, let reason) = error else {
            Issue.record("expected malformedXML, got \(error)")
            return
        }
        #expect(source == "fx")
        #expect(line > 1)
        #expect(!reason.isEmpty)
        #expect(error.description.contains("line \(line)"))
    }

    @Test func readsALatin1EncodedFeedWithEntitiesAndCDATA() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let xml = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <openimmo><uebertragung umfang="VOLL" version="1.2.7"/><anbieter><immobilie>
            <geo><plz>24306</plz><ort>Plön</ort><strasse>Große Straße</strasse></geo>
            <preise><nettokaltmiete>400.00</nettokaltmiete><nebenkosten>90</nebenkosten></preise>
            <flaechen><wohnflaeche>50</wohnflaeche><anzahl_zimmer>2</anzahl_zimmer></flaechen>
            <freitexte><objekttitel><![CDATA[Wohnung "am See" & Garten]]></objekttitel></freitexte>
            <kontaktperson><firma>Müller &amp; Söhne (fiktiv)</firma></kontaktperson>
            <verwaltung_techn><objektnr_extern>L1</objektnr_extern></verwaltung_techn>
            </immobilie></anbieter></openimmo>
            """
        let file = temp.url.appendingPathComponent("latin1.xml")
        try #require(xml.data(using: .isoLatin1)).write(to: file)
        let (records, _) = try parser.parseAll(fileAt: file, source: "fx")
        let draft = try #require(records.drafts.first)
        #expect(draft.address.place == "Plön")
        #expect(draft.address.street == "Große Straße")
        #expect(draft.title == "Wohnung \"am See\" & Garten")
        #expect(draft.contact?.company == "Müller & Söhne (fiktiv)")
    }

    @Test(arguments: [OpenImmoParser.Engine.automatic, .foundation])
    func rejectsADocumentThatIsNotOpenImmo(engine: OpenImmoParser.Engine) throws {
        let error = try #require(throws: FeedError.self) {
            _ = try OpenImmoParser(engine: engine).parseAll(fileAt: try Fixture.url("not-openimmo.xml"), source: "fx")
        }
        #expect(error == .notOpenImmo(source: "fx", rootElement: "rss"))
    }

    @Test func rejectsEmptyAndMissingFiles() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let empty = try temp.file("empty.xml", "")
        #expect(throws: FeedError.empty(source: "fx")) { try parser.parseAll(fileAt: empty, source: "fx") }
        let missing = temp.url.appendingPathComponent("nope.xml")
        #expect(throws: FeedError.self) { try parser.parseAll(fileAt: missing, source: "fx") }
    }

    @Test func anErrorFromEmitStopsTheParseAndIsRethrown() throws {
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            _ = try parser.parse(fileAt: try Fixture.url("openimmo-actions.xml"), source: "fx") { _ in throw Stop() }
        }
    }

    @Test func missingUmfangIsReadAsPartialWithAWarning() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let file = try temp.file("x.xml", "<openimmo><anbieter></anbieter></openimmo>")
        let (_, summary) = try parser.parseAll(fileAt: file, source: "fx")
        #expect(summary.scope == .partial)
        #expect(summary.warnings.map(\.field) == ["uebertragung"])
    }

    @Test(arguments: [OpenImmoParser.Engine.automatic, .foundation])
    func parsesAGeneratedFeedLargerThanTenMegabytes(engine: OpenImmoParser.Engine) throws {
        let parser = OpenImmoParser(engine: engine)
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let file = temp.url.appendingPathComponent("big.xml")
        let count = 9_000
        let bytes = try OpenImmoFeedGenerator(seed: 7).write(listings: count, to: file)
        #expect(bytes > 10_000_000)
        var upserts = 0
        var lastID = ""
        let summary = try parser.parse(fileAt: file, source: "bench") { record in
            if case .upsert(let draft) = record {
                upserts += 1
                lastID = draft.externalID
            }
        }
        #expect(upserts == count)
        #expect(summary.upserts == count)
        #expect(summary.bytes == bytes)
        #expect(lastID == "BENCH-\(count - 1)")
        #expect(summary.diagnostics.isEmpty)
    }

    // MARK: - helpers

    private func parseOne(
        rooms: String = "2", preise: String = "<nettokaltmiete>400.00</nettokaltmiete><nebenkosten>90</nebenkosten>",
        extra: String = ""
    ) throws -> ListingDraft {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <openimmo><uebertragung umfang="VOLL" version="1.2.7"/><anbieter><immobilie>
            <geo><plz>24306</plz><ort>Plön</ort></geo>
            <preise>\(preise)</preise>
            <flaechen><wohnflaeche>50</wohnflaeche><anzahl_zimmer>\(rooms)</anzahl_zimmer></flaechen>
            \(extra)
            <verwaltung_techn><objektnr_extern>ONE</objektnr_extern></verwaltung_techn>
            </immobilie></anbieter></openimmo>
            """
        let (records, _) = try parser.parseAll(fileAt: try temp.file("one.xml", xml), source: "fx")
        return try #require(records.drafts.first)
    }
}
