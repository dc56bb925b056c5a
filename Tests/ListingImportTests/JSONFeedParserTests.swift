import Foundation
import HousingDomain
import Testing

@testable import ListingImport

@Suite struct JSONFeedParserTests {
    @Test func readsATopLevelArrayWithNumbersNestedObjectsAndUnknownKeys() throws {
        let (records, summary) = try JSONFeedParser().parseAll(fileAt: try Fixture.url("array.json"), source: "portal")
        #expect(records.drafts.map(\.externalID) == ["7", "J-2"])
        let first = try #require(records.draft("7"))
        #expect(first.livingArea == 55.5)
        #expect(first.netColdRent == Money(euros: 410))
        #expect(first.operatingCosts == Money(cents: 10550))
        #expect(first.lift == true)
        #expect(first.stepFree == false)
        #expect(first.petsAllowed == nil)
        let second = try #require(records.draft("J-2"))
        #expect(second.rooms == 1.5)
        #expect(second.address.place == "Preetz")
        #expect(second.contact?.company == "Firma (fiktiv)")
        #expect(summary.skipped == 1)
        #expect(summary.errors.map(\.position) == [.index(1)])
        let unknown = Set(summary.warnings.filter { $0.message.contains("unknown key") }.map(\.field))
        #expect(unknown == ["address.floor_plan", "colour", "contact.fax"])
    }

    @Test(arguments: [
        "[{\"id\":\"A\",\"postal_code\":\"24306\",\"rooms\":2,\"living_area\":50,\"net_cold_rent\":\"400.00\",\"operating_costs\":\"90.00\"}]",
        "{\"listings\":[{\"id\":\"A\",\"postal_code\":\"24306\",\"rooms\":2,\"living_area\":50,\"net_cold_rent\":\"400.00\",\"operating_costs\":\"90.00\"}]}",
    ])
    func acceptsBothShapes(text: String) throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        let (records, summary) = try JSONFeedParser().parseAll(fileAt: try temp.file("a.json", text), source: "portal")
        #expect(records.drafts.map(\.externalID) == ["A"])
        #expect(summary.diagnostics.isEmpty)
    }

    @Test(arguments: ["wrong-shape.json", "truncated.json"])
    func rejectsFeedsThatAreNotAListOfListings(name: String) throws {
        let error = try #require(throws: FeedError.self) {
            try JSONFeedParser().parseAll(fileAt: try Fixture.url(name), source: "portal")
        }
        guard case .malformedJSON(let source, _) = error else {
            Issue.record("expected malformedJSON, got \(error)")
            return
        }
        #expect(source == "portal")
    }

    @Test func rejectsAnEmptyFile() throws {
        let temp = try TempDirectory()
        defer { temp.cleanUp() }
        #expect(throws: FeedError.empty(source: "portal")) {
            try JSONFeedParser().parseAll(fileAt: try temp.file("e.json", "  \n"), source: "portal")
        }
    }
}
