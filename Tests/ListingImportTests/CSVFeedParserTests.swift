import Foundation
import HousingDomain
import Testing

@testable import ListingImport

@Suite struct CSVFeedParserTests {
    @Test func readsCommaSeparatedWithBOMQuotesAndDefaultColumns() throws {
        let (records, summary) = try CSVFeedParser().parseAll(fileAt: try Fixture.url("comma-bom.csv"), source: "csv")
        #expect(summary.scope == .full)
        #expect(summary.upserts == 2)
        #expect(summary.diagnostics.isEmpty, "\(summary.diagnostics)")
        let first = try #require(records.draft("C-1"))  // the BOM must not stick to the "id" header
        #expect(first.title == "Wohnung, hell")
        #expect(first.rooms == 2.5)
        #expect(first.livingArea == 61.5)
        #expect(first.netColdRent == Money(cents: 48000))
        let second = try #require(records.draft("C-2"))
        #expect(second.title == "Er sagte \"ja\"")
        #expect(second.netColdRent == Money(cents: 123456))
    }

    @Test func readsMappedSemicolonFileWithCRLFAndNewlinesInQuotes() throws {
        let options = CSVOptions(
            delimiter: nil,
            columns: [.id: "ID", .postalCode: "PLZ", .rooms: "Zimmer", .livingArea: "Fläche", .netColdRent: "Miete", .operatingCosts: "NK", .title: "Text"])
        let (records, summary) = try CSVFeedParser(options: options).parseAll(fileAt: try Fixture.url("mapped-crlf.csv"), source: "csv")
        #expect(records.drafts.map(\.externalID) == ["M-1", "M-3"])
        #expect(records.draft("M-1")?.title == "Zeile eins\r\nZeile zwei; mit Semikolon")
        #expect(records.draft("M-1")?.grossColdRent == Money(euros: 650))
        #expect(summary.skipped == 1)
        let error = try #require(summary.errors.first)
        // M-2 starts on line 4: the quoted field of M-1 spans lines 2 and 3.
        #expect(error.position == .line(4))
        #expect(error.field == "net_cold_rent")
        #expect(error.listing == "M-2")
    }

    @Test(arguments: [
        ("id;postal_code;rooms;living_area;net_cold_rent\nA;24306;2;50;400\n", CSVDelimiter?.none),
        ("id,postal_code,rooms,living_area,net_cold_rent\nA,24306,2,50,400\n", .none),
        ("id\tpostal_code\trooms\tliving_area\tnet_cold_rent\nA\t24306\t2\t50\t400\n", .none),
        ("id;postal_code;rooms;living_area;net_cold_rent\nA;24306;2;50;400", .semicolon),
        ("id,postal_code,rooms,living_area,net_cold_rent\r\nA,24306,2,50,400\r\n", .comma),
    ])
    func detectsOrUsesTheDelimiter(text: String, delimiter: CSVDelimiter?) throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let (records, summary) = try CSVFeedParser(options: CSVOptions(delimiter: delimiter))
            .parseAll(fileAt: try temp.file("d.csv", text), source: "csv")
        #expect(records.drafts.map(\.externalID) == ["A"])
        #expect(records.drafts.first?.netColdRent == Money(euros: 400))
        #expect(summary.errors.isEmpty)
    }

    @Test func missingRequiredColumnsFailTheFeedNamingThem() throws {
        let error = try #require(throws: FeedError.self) {
            try CSVFeedParser().parseAll(fileAt: try Fixture.url("missing-columns.csv"), source: "csv")
        }
        guard case .badCSVHeader(_, let reason) = error else {
            Issue.record("expected badCSVHeader, got \(error)")
            return
        }
        #expect(reason.contains("'net_cold_rent'"))
        #expect(reason.contains("nummer | plz"))
    }

    @Test func aMappingNamesTheFeedsHeaderInTheError() throws {
        let options = CSVOptions(columns: [.netColdRent: "Kaltmiete"])
        let error = try #require(throws: FeedError.self) {
            try CSVFeedParser(options: options).parseAll(fileAt: try Fixture.url("comma-bom.csv"), source: "csv")
        }
        #expect(error.description.contains("'Kaltmiete' (mapped from net_cold_rent)"))
    }

    @Test func aFileEndingInsideQuotesFails() throws {
        let error = try #require(throws: FeedError.self) {
            try CSVFeedParser().parseAll(fileAt: try Fixture.url("unterminated.csv"), source: "csv")
        }
        #expect(error == .unterminatedQuote(source: "csv", line: 3))
    }

    @Test func emptyOrBOMOnlyFilesFail() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        #expect(throws: FeedError.empty(source: "csv")) {
            try CSVFeedParser().parseAll(fileAt: try temp.file("e.csv", ""), source: "csv")
        }
        #expect(throws: FeedError.empty(source: "csv")) {
            try CSVFeedParser().parseAll(fileAt: try temp.file("b.csv", "\u{FEFF}"), source: "csv")
        }
    }

    @Test func fieldsThatSpanChunksAreReadWhole() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let long = String(repeating: "Sehr lange Beschreibung; mit \"\"Zitat\"\"\n", count: 3000)  // > 64 KiB
        let text = "id;postal_code;rooms;living_area;net_cold_rent;title\nL-1;24306;2;50;400;\"\(long)\"\nL-2;24306;3;70;500;kurz\n"
        let (records, _) = try CSVFeedParser().parseAll(fileAt: try temp.file("long.csv", text), source: "csv")
        #expect(records.drafts.map(\.externalID) == ["L-1", "L-2"])
        #expect(records.draft("L-1")?.title?.count == long.replacingOccurrences(of: "\"\"", with: "\"").trimmingCharacters(in: .whitespacesAndNewlines).count)
    }
}
