import Foundation
import HousingDomain
import HousingStore
import Testing

@testable import ListingImport

/// A resolver over a small table, which records what it was asked.
final class TableResolver: PlaceResolver, @unchecked Sendable {
    private let lock = NSLock()
    private var asked: [Address] = []
    let table: [String: MunicipalityKey]

    init(_ table: [String: MunicipalityKey]) { self.table = table }

    func resolve(_ address: Address) -> (municipality: MunicipalityKey, coordinate: Coordinate)? {
        lock.lock()
        asked.append(address)
        lock.unlock()
        guard let code = address.postalCode?.rawValue, let key = table[code], let point = Coordinate(latitude: 54.2, longitude: 10.4)
        else { return nil }
        return (key, point)
    }

    func isInServiceRegion(_ municipality: MunicipalityKey) -> Bool { municipality.districtCode == "01057" }

    var questions: [Address] {
        lock.lock()
        defer { lock.unlock() }
        return asked
    }
}

@Suite struct ImporterGeocodingTests {
    /// Three flats in Plön, two in Kiel (outside the county), one in a place the table lacks.
    static let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <openimmo><uebertragung umfang="VOLL"/><anbieter>
        \(flat("P-1", "24306", "Plön", "Lange Straße"))
        \(flat("K-1", "24103", "Kiel", "Holstenstraße"))
        \(flat("P-2", "24306", "Plön", "Am Markt"))
        \(flat("X-1", "99999", "Nirgendwo", "Weg"))
        \(flat("P-3", "24306", "Plön", "Lange Straße"))
        \(flat("K-2", "24103", "Kiel", "Holstenstraße"))
        </anbieter></openimmo>
        """

    static func flat(_ id: String, _ code: String, _ place: String, _ street: String) -> String {
        """
        <immobilie><geo><plz>\(code)</plz><ort>\(place)</ort><strasse>\(street)</strasse></geo>
        <preise><nettokaltmiete>400</nettokaltmiete><nebenkosten>90</nebenkosten></preise>
        <flaechen><wohnflaeche>50</wohnflaeche><anzahl_zimmer>2</anzahl_zimmer></flaechen>
        <verwaltung_techn><objektnr_extern>\(id)</objektnr_extern></verwaltung_techn></immobilie>
        """
    }

    @Test func everyFlatIsGeocodedAndWarnedAboutWhileEachPlaceIsLookedUpOnce() async throws {
        let h = try ImportHarness()
        let plon = try #require(MunicipalityKey("01057057"))
        let kiel = try #require(MunicipalityKey("01002000"))
        let resolver = TableResolver(["24306": plon, "24103": kiel])
        let feed = h.directory.appendingPathComponent("feed.xml")
        try Data(Self.xml.utf8).write(to: feed)
        let importer = ListingImporter(database: h.database, actor: h.actor, resolver: resolver, today: h.today, environment: [:])
        let report = await importer.importSource(SourceConfig(name: "geo", location: .file(feed), format: .openimmo))

        #expect(report.succeeded, "\(report.run.error ?? "")")
        #expect(report.run.counts.new == 6)
        let byID = Dictionary(uniqueKeysWithValues: try h.listings("geo").map { ($0.externalID, $0) })
        #expect(["P-1", "P-2", "P-3"].map { byID[$0]?.municipality } == [plon, plon, plon])
        #expect(["K-1", "K-2"].map { byID[$0]?.municipality } == [kiel, kiel])
        #expect(byID["X-1"]?.municipality == nil)
        #expect(byID["P-1"]?.coordinate == Coordinate(latitude: 54.2, longitude: 10.4))
        // One warning per flat, not per place.
        #expect(report.run.diagnostics.filter { $0.contains("outside Kreis Plön") }.count == 2)
        #expect(report.run.diagnostics.filter { $0.contains("(listing K-2)") && $0.contains("Holstenstraße") }.count == 1)
        #expect(report.run.diagnostics.filter { $0.contains("not in the gazetteer") }.count == 1)
        // Asked once per postal code and place, and never with a street.
        #expect(resolver.questions.count == 3)
        #expect(resolver.questions.allSatisfy { $0.street == nil && $0.houseNumber == nil })
    }
}
