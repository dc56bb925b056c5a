import Foundation
import HousingDomain
import Testing

@testable import ListingImport

/// Every file in `Imports/samples/` parses with the counts its comments promise.
@Suite struct SampleFeedTests {
    struct Expected: Sendable, CustomStringConvertible {
        var file: String
        var parser: @Sendable () -> any FeedParser
        var scope: TransferScope
        var upserts: Int
        var deletes: Int
        var skipped: Int
        var description: String { file }
    }

    static let mapping = CSVOptions(
        delimiter: .semicolon,
        columns: [
            .id: "Objekt-Nr", .title: "Bezeichnung", .street: "Straße", .houseNumber: "Hausnr.", .postalCode: "PLZ",
            .place: "Ort", .rooms: "Zimmer", .livingArea: "Wohnfläche", .floor: "Etage", .netColdRent: "Kaltmiete",
            .operatingCosts: "Nebenkosten", .heatingCosts: "Heizkosten", .heatingType: "Heizungsart", .deposit: "Kaution",
            .availableFrom: "Frei ab", .wbsRequired: "WBS", .lift: "Aufzug", .stepFree: "Barrierefrei",
            .petsAllowed: "Haustiere", .contactName: "Ansprechpartner", .contactPhone: "Telefon", .contactEmail: "E-Mail",
        ])

    static let samples: [Expected] = [
        Expected(file: "probstei-wohnbau-voll.xml", parser: { OpenImmoParser() }, scope: .full, upserts: 23, deletes: 0, skipped: 2),
        Expected(file: "probstei-wohnbau-teil.xml", parser: { OpenImmoParser() }, scope: .partial, upserts: 2, deletes: 1, skipped: 0),
        Expected(file: "genossenschaft-ostsee.csv", parser: { CSVFeedParser(options: mapping) }, scope: .full, upserts: 10, deletes: 0, skipped: 1),
        Expected(file: "ploen-portal.json", parser: { JSONFeedParser() }, scope: .full, upserts: 9, deletes: 0, skipped: 1),
    ]

    @Test(arguments: samples)
    func sampleParsesWithExpectedCounts(expected: Expected) throws {
        let url = Fixture.importsDirectory.appendingPathComponent("samples").appendingPathComponent(expected.file)
        let (records, summary) = try expected.parser().parseAll(fileAt: url, source: "sample")
        #expect(summary.scope == expected.scope)
        #expect(summary.upserts == expected.upserts)
        #expect(summary.deletes == expected.deletes)
        #expect(summary.skipped == expected.skipped)
        #expect(summary.errors.count == expected.skipped)
        #expect(records.count == expected.upserts + expected.deletes)
    }

    @Test func theShippedConfigurationParsesEverySource() throws {
        let sources = try ImportSources.load(from: Fixture.importsDirectory.appendingPathComponent("sources.yaml"))
        let counts = try sources.map { source in
            try source.parse(fileAt: source.location.url) { _ in }.upserts
        }
        #expect(counts == [23, 10, 9])
    }

    @Test func sampleValuesAreHandChecked() throws {
        let samples = Fixture.importsDirectory.appendingPathComponent("samples")
        let (voll, vollSummary) = try OpenImmoParser().parseAll(fileAt: samples.appendingPathComponent("probstei-wohnbau-voll.xml"), source: "pw")
        let plön = try #require(voll.draft("PW-1001"))
        #expect(plön.grossColdRent == Money(euros: 575))  // 455 + 120: over the 1-person limit in Plön (390), within none
        #expect(plön.rooms == 2 && plön.livingArea == 61.5)
        #expect(voll.draft("PW-1003")?.deposit == Money(euros: 1635))  // "3 Nettokaltmieten" × 545
        #expect(voll.draft("PW-1005")?.heatingIncluded == true)
        #expect(voll.draft("PW-1005")?.wbsRequired == true)
        #expect(voll.draft("PWB000001_1025")?.address.place == "Mönkeberg")  // PW-1025 has only an openimmo_obid
        #expect(voll.draft("PW-1021")?.heatingType == nil)
        #expect(vollSummary.warnings.contains { $0.listing == "PW-1021" && $0.field == "heating_type" })

        let (csv, csvSummary) = try CSVFeedParser(options: Self.mapping).parseAll(fileAt: samples.appendingPathComponent("genossenschaft-ostsee.csv"), source: "wg")
        #expect(csv.draft("WGO-201")?.deposit == Money(cents: 126900))  // 3 × 423,00
        #expect(csv.draft("WGO-203")?.title == "Ruhige 3-Zimmer-Wohnung; Balkon, \"Südseite\"")
        #expect(csv.draft("WGO-204")?.floor == 0)
        #expect(csv.draft("WGO-204")?.rooms == 2.5)
        #expect(csv.draft("WGO-205")?.deposit == Money(cents: 177660))
        #expect(csv.draft("WGO-206")?.title == "Dachgeschoss mit Gaube\n(Treppenhaus ohne Aufzug)")
        #expect(csv.draft("WGO-207")?.heatingType == .heatPump)
        #expect(csvSummary.errors.map(\.position) == [.line(11)])  // WGO-209; WGO-206 spans lines 7–8
        #expect(csvSummary.warnings.contains { $0.field == "header" && $0.message.contains("Anteile") })

        let (json, jsonSummary) = try JSONFeedParser().parseAll(fileAt: samples.appendingPathComponent("ploen-portal.json"), source: "hs")
        let twin = try #require(json.draft("HS-88412"))
        // The portal's copy of PW-1001: same postal code and rooms, area within 2 %, rent within 5 %.
        #expect(twin.address.postalCode == plön.address.postalCode && twin.rooms == plön.rooms)
        #expect(abs(twin.livingArea - plön.livingArea) / plön.livingArea < 0.02)
        #expect(Double(abs(twin.netColdRent.cents - plön.netColdRent.cents)) / Double(plön.netColdRent.cents) < 0.05)
        #expect(json.draft("HS-88414")?.deposit == Money(euros: 1485))  // "3 Kaltmieten" × 495
        #expect(json.draft("HS-88414")?.stepFree == true)  // JSON true/false
        #expect(json.draft("HS-88414")?.lift == false)
        #expect(json.draft("HS-88412")?.petsAllowed == true)
        #expect(json.draft("HS-88417")?.lift == true)  // "ja"
        #expect(json.draft("HS-88417")?.livingArea == 57.3)  // "57,3"
        #expect(json.draft("HS-88416")?.rooms == 3.5)
        #expect(json.draft("HS-88416")?.availableFromText == "nach Vereinbarung")
        #expect(json.draft("HS-88420")?.heatingType == .electric)
        #expect(jsonSummary.warnings.contains { $0.field == "balcony" })
    }
}
