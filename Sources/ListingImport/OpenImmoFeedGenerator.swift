import Foundation
import HousingDomain

/// Writes a synthetic but realistic OpenImmo transfer of any size, for benchmarks and tests.
///
/// Deterministic for a given seed: real Kreis Plön postal codes and places, 1–5 rooms, areas of
/// 30–110 m², net cold rents of 6.50–9.50 €/m², operating costs of 1.80–2.60 €/m². Every 10th flat
/// has a lift, every 7th is step-free, every 9th needs a WBS. Written in 256 KiB chunks, so the
/// generator itself needs no memory proportional to the feed.
public struct OpenImmoFeedGenerator: Sendable {
    public var seed: UInt64
    public var scope: TransferScope
    public var version: String

    public init(seed: UInt64 = 1, scope: TransferScope = .full, version: String = "1.2.7") {
        self.seed = seed
        self.scope = scope
        self.version = version
    }

    /// Where generated flats lie: real postal codes and places of Kreis Plön with their GeoNames point.
    static let places: [(code: String, place: String, lat: Double, lon: Double)] = [
        ("24306", "Plön", 54.1624, 10.4214), ("24211", "Preetz", 54.2354, 10.2780),
        ("24321", "Lütjenburg", 54.2919, 10.5891), ("24223", "Raisdorf", 54.2813, 10.2491),
        ("24222", "Schwentinental", 54.2944, 10.2167), ("24217", "Schönberg (Holstein)", 54.3905, 10.3775),
        ("24235", "Laboe", 54.4000, 10.2167), ("24226", "Heikendorf", 54.3667, 10.2000),
        ("24232", "Schönkirchen", 54.3333, 10.2333), ("24601", "Wankendorf", 54.1122, 10.2055),
        ("24326", "Ascheberg", 54.1503, 10.3455), ("24238", "Selent", 54.2889, 10.4270),
        ("24248", "Mönkeberg", 54.3500, 10.1833), ("24253", "Probsteierhagen", 54.3615, 10.2877),
    ]
    static let streets = [
        "Lange Straße", "Am Markt", "Kieler Straße", "Bahnhofstraße", "Lütjenburger Straße", "Schulstraße",
        "Mühlenstraße", "Rosenweg", "Am See", "Dorfstraße", "Plöner Straße", "Birkenallee",
    ]
    static let fuels = ["GAS", "FERN", "OEL", "LUFTWP", "ELEKTRO"]

    /// Writes `count` listings to `url` (replacing it) and returns the file size in bytes.
    @discardableResult
    public func write(listings count: Int, to url: URL) throws -> Int {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var buffer = ""
        buffer.reserveCapacity(1 << 18)
        var total = 0
        func flush() throws {
            let data = Data(buffer.utf8)
            total += data.count
            try handle.write(contentsOf: data)
            buffer.removeAll(keepingCapacity: true)
        }
        buffer += header()
        for index in 0..<count {
            buffer += listingXML(index: index)
            if buffer.utf8.count >= 1 << 18 { try flush() }
        }
        buffer += "  </anbieter>\n</openimmo>\n"
        try flush()
        return total
    }

    public func header() -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <openimmo>
          <uebertragung art="OFFLINE" umfang="\(scope == .full ? "VOLL" : "TEIL")" modus="CHANGE" version="\(version)" sendersoftware="WohnlotseBench" senderversion="1" techn_email="feeds@example.org"/>
          <anbieter>
            <anbieternr>BENCH-1</anbieternr>
            <firma>Beispiel-Wohnungsbau Plön GmbH (fiktiv)</firma>
            <openimmo_anid>BENCH0001</openimmo_anid>

        """
    }

    /// One `<immobilie>` element; the same index always gives the same flat.
    public func listingXML(index: Int) -> String {
        var rng = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        let place = Self.places[Int(rng.next() % UInt64(Self.places.count))]
        let street = Self.streets[Int(rng.next() % UInt64(Self.streets.count))]
        let rooms = 1 + Int(rng.next() % 5)
        let half = rooms < 5 && rng.next() % 4 == 0
        let area = 28 + rooms * 16 + Int(rng.next() % 14)
        let rentPerM2 = 650 + Int(rng.next() % 301)  // cents per m²
        let net = area * rentPerM2
        let operating = area * (180 + Int(rng.next() % 81))
        let heating = area * (90 + Int(rng.next() % 61))
        let floor = Int(rng.next() % 5)
        let fuel = Self.fuels[Int(rng.next() % UInt64(Self.fuels.count))]
        let lat = place.lat + Double(Int(rng.next() % 200) - 100) / 10_000
        let lon = place.lon + Double(Int(rng.next() % 200) - 100) / 10_000
        func euros(_ cents: Int) -> String { "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)" }
        let id = "BENCH-\(index)"
        return """
                <immobilie>
                  <objektkategorie>
                    <nutzungsart WOHNEN="true" GEWERBE="false"/>
                    <vermarktungsart KAUF="false" MIETE_PACHT="true"/>
                    <objektart><wohnung wohnungtyp="ETAGE"/></objektart>
                  </objektkategorie>
                  <geo>
                    <plz>\(place.code)</plz>
                    <ort>\(place.place)</ort>
                    <geokoordinaten breitengrad="\(lat)" laengengrad="\(lon)"/>
                    <strasse>\(street)</strasse>
                    <hausnummer>\(1 + index % 60)</hausnummer>
                    <land iso_land="DEU"/>
                    <etage>\(floor)</etage>
                  </geo>
                  <kontaktperson>
                    <name>Beispiel</name>
                    <vorname>Jana</vorname>
                    <firma>Beispiel-Wohnungsbau Plön GmbH (fiktiv)</firma>
                    <tel_durchw>04522 000\(index % 100)</tel_durchw>
                    <email_direkt>vermietung@example.org</email_direkt>
                  </kontaktperson>
                  <preise>
                    <nettokaltmiete>\(euros(net))</nettokaltmiete>
                    <nebenkosten>\(euros(operating))</nebenkosten>
                    <heizkosten_enthalten>false</heizkosten_enthalten>
                    <heizkosten>\(euros(heating))</heizkosten>
                    <kaution>\(euros(net * 3))</kaution>
                    <waehrung iso_waehrung="EUR"/>
                  </preise>
                  <flaechen>
                    <wohnflaeche>\(area).00</wohnflaeche>
                    <anzahl_zimmer>\(rooms)\(half ? ".5" : ".0")</anzahl_zimmer>
                  </flaechen>
                  <ausstattung>
                    <befeuerung \(fuel)="true"/>
                    <fahrstuhl PERSONEN="\(index % 10 == 0 ? "true" : "false")"/>
                    <barrierefrei>\(index % 7 == 0 ? "1" : "0")</barrierefrei>
                  </ausstattung>
                  <freitexte>
                    <objekttitel>\(rooms)-Zimmer-Wohnung in \(place.place)</objekttitel>
                    <objektbeschreibung>Helle Wohnung mit Bad und Einbauküche, Bus in der Nähe. Beispieldaten.</objektbeschreibung>
                  </freitexte>
                  <verwaltung_objekt>
                    <verfuegbar_ab>\(index % 3 == 0 ? "sofort" : "01.0\(1 + index % 9).2027")</verfuegbar_ab>
                    <wbs_sozialwohnung>\(index % 9 == 0 ? "true" : "false")</wbs_sozialwohnung>
                    <haustiere>\(index % 2 == 0 ? "true" : "false")</haustiere>
                  </verwaltung_objekt>
                  <verwaltung_techn>
                    <objektnr_intern>\(index)</objektnr_intern>
                    <objektnr_extern>\(id)</objektnr_extern>
                    <openimmo_obid>OB\(index)</openimmo_obid>
                    <stand_vom>2026-11-01</stand_vom>
                  </verwaltung_techn>
                </immobilie>

            """
    }
}

/// A small, fast, seedable generator (Steele, Lea & Flood's SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
