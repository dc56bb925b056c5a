import Foundation
import HousingDomain
import Testing

@testable import ListingImport

/// The fast reader must agree with XMLParser on every feed we have, and fail where XML is broken.
@Suite struct FastXMLReaderTests {
    static let feeds = [
        "Fixtures/openimmo-all-fields.xml", "Fixtures/openimmo-actions.xml", "Fixtures/openimmo-bad-rows.xml",
        "samples/probstei-wohnbau-voll.xml", "samples/probstei-wohnbau-teil.xml",
    ]

    func url(_ name: String) throws -> URL {
        if name.hasPrefix("Fixtures/") { return try Fixture.url(String(name.dropFirst("Fixtures/".count))) }
        return Fixture.importsDirectory.appendingPathComponent(name)
    }

    @Test(arguments: feeds)
    func bothEnginesGiveTheSameRecordsAndDiagnostics(name: String) throws {
        let fast = try OpenImmoParser(engine: .automatic).parseAll(fileAt: try url(name), source: "s")
        let foundation = try OpenImmoParser(engine: .foundation).parseAll(fileAt: try url(name), source: "s")
        #expect(fast.records == foundation.records)
        #expect(fast.summary.scope == foundation.summary.scope)
        #expect(fast.summary.upserts == foundation.summary.upserts)
        #expect(fast.summary.skipped == foundation.summary.skipped)
        // Same diagnostics on the same lines; columns may differ (bytes vs. libxml2's count).
        func key(_ d: ImportDiagnostic) -> String {
            let line: Int
            switch d.position {
            case .lineColumn(let l, _): line = l
            default: line = 0
            }
            return "\(d.severity) \(d.listing ?? "-") \(d.field) \(line) \(d.message)"
        }
        #expect(fast.summary.diagnostics.map(key) == foundation.summary.diagnostics.map(key))
    }

    @Test func bothEnginesAgreeOnAGeneratedFeed() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let file = temp.url.appendingPathComponent("g.xml")
        try OpenImmoFeedGenerator(seed: 3, scope: .partial).write(listings: 300, to: file)
        let fast = try OpenImmoParser(engine: .automatic).parseAll(fileAt: file, source: "g")
        let foundation = try OpenImmoParser(engine: .foundation).parseAll(fileAt: file, source: "g")
        #expect(fast.records.count == 300)
        #expect(fast.records == foundation.records)
        #expect(fast.summary.scope == .partial)
    }

    /// Broken documents: the reason names the problem and the line is where it is.
    @Test(arguments: [
        ("<openimmo>\n<anbieter>\n</immobilie>\n</openimmo>", 3, "expected </anbieter>, found </immobilie>"),
        ("<openimmo>\n<anbieter>\n", 3, "ends inside <anbieter>"),
        ("<openimmo><a x=1/></openimmo>", 1, "must be in quotes"),
        ("<openimmo><a x=\"1\"y=\"2\"/></openimmo>", 1, "separated by a space"),
        ("<openimmo><a>Fish &chips;</a></openimmo>", 1, "unknown entity &chips;"),
        ("<openimmo><a>Fish & chips</a></openimmo>", 1, "'&' must start an entity"),
        ("<openimmo></openimmo>\ntrailing", 2, "text after the root element"),
        ("<openimmo></openimmo><openimmo></openimmo>", 1, "a second root element"),
        ("<openimmo>\n<!-- never closed", 2, "ends inside"),
        ("<openimmo><a x=\"1\" x=\"2\"/></openimmo>", 1, "appears twice"),
        ("<openimmo><1a/></openimmo>", 1, "is not an XML name"),
        ("   ", 1, "no XML element found"),
    ])
    func rejectsBrokenXML(xml: String, line: Int, reason: String) throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let file = try temp.file("b.xml", xml)
        let error = try #require(throws: FeedError.self) {
            try OpenImmoParser(engine: .automatic).parseAll(fileAt: file, source: "s")
        }
        guard case .malformedXML(_, let errorLine, _, let message) = error else {
            Issue.record("expected malformedXML, got \(error)")
            return
        }
        #expect(errorLine == line)
        #expect(message.contains(reason), "\(message)")
    }

    @Test func rejectsInvalidUTF8InText() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let file = temp.url.appendingPathComponent("latin.xml")
        // "Plön" in ISO-8859-1 without an encoding declaration.
        var bytes = Array("<openimmo><anbieter><immobilie><geo><ort>Pl".utf8)
        bytes.append(0xF6)
        bytes += Array("n</ort></geo></immobilie></anbieter></openimmo>".utf8)
        try Data(bytes).write(to: file)
        let error = try #require(throws: FeedError.self) {
            try OpenImmoParser(engine: .automatic).parseAll(fileAt: file, source: "s")
        }
        #expect(error.description.contains("not valid UTF-8"))
    }

    @Test func aDoctypeFallsBackToXMLParser() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE openimmo>
            <openimmo><uebertragung umfang="VOLL"/><anbieter><immobilie>
            <geo><plz>24306</plz></geo><preise><nettokaltmiete>400</nettokaltmiete><nebenkosten>90</nebenkosten></preise>
            <flaechen><wohnflaeche>50</wohnflaeche><anzahl_zimmer>2</anzahl_zimmer></flaechen>
            <verwaltung_techn><objektnr_extern>D1</objektnr_extern></verwaltung_techn>
            </immobilie></anbieter></openimmo>
            """
        let (records, summary) = try OpenImmoParser().parseAll(fileAt: try temp.file("d.xml", xml), source: "s")
        #expect(records.drafts.map(\.externalID) == ["D1"])
        #expect(summary.scope == .full)
    }

    @Test func tokensSpanningTheReadChunkAreReadWhole() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        // A title longer than the 1 MiB read chunk, with entities on both sides of the boundary.
        let long = String(repeating: "Wohnung &amp; Garten, ", count: FastXMLReader.chunkSize / 20)
        let xml = """
            <openimmo><uebertragung umfang="VOLL"/><anbieter><immobilie>
            <geo><plz>24306</plz></geo><preise><nettokaltmiete>400</nettokaltmiete><nebenkosten>90</nebenkosten></preise>
            <flaechen><wohnflaeche>50</wohnflaeche><anzahl_zimmer>2</anzahl_zimmer></flaechen>
            <freitexte><objekttitel>\(long)</objekttitel></freitexte>
            <verwaltung_techn><objektnr_extern>LONG</objektnr_extern></verwaltung_techn>
            </immobilie></anbieter></openimmo>
            """
        let file = try temp.file("long.xml", xml)
        let fast = try OpenImmoParser(engine: .automatic).parseAll(fileAt: file, source: "s")
        let title = try #require(fast.records.drafts.first?.title)
        #expect(title == long.replacingOccurrences(of: "&amp;", with: "&").trimmingCharacters(in: .whitespaces))
        #expect(fast.records == (try OpenImmoParser(engine: .foundation).parseAll(fileAt: file, source: "s")).records)
    }
}
