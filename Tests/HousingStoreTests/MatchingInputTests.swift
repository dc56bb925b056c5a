import Foundation
import GRDB
import HousingDomain
import Testing

@testable import HousingStore

/// The matching job reads listings with its own positional decoder; it must read what the record
/// decoding reads, field for field, including odd stored values.
@Suite struct MatchingInputTests {
    @Test func fastListingLoaderReadsWhatTheRecordDecodingReads() throws {
        let f = try Fixture()
        let day = f.today
        try f.db.writer.write { db in
            let statuses: [Listing.Status] = [.active, .active, .active, .reserved, .gone]
            for i in 0..<60 {
                var listing = Listing(
                    source: i % 2 == 0 ? "feed" : "manual", externalID: "X\(i)", url: i % 3 == 0 ? "https://example.org/\(i)" : nil,
                    title: i % 4 == 0 ? "Wohnung \(i) — hell, 2 Zi." : nil,
                    address: Address(street: i % 2 == 0 ? "Hauptstraße" : nil, houseNumber: i % 5 == 0 ? "3a" : nil,
                        postalCode: PostalCode(["24306", "24211", "24232"][i % 3]), place: ["Plön", "Preetz", "Schönkirchen"][i % 3]),
                    municipality: i % 7 == 0 ? nil : MunicipalityKey(["01057057", "01057062", "01057073"][i % 3]),
                    coordinate: i % 6 == 0 ? nil : Coordinate(latitude: 54.1 + Double(i) / 1000, longitude: 10.4 - Double(i) / 1000),
                    rooms: Double(1 + i % 5) + (i % 2 == 0 ? 0.5 : 0), livingArea: 30 + Double(i) * 1.25, floor: i % 4 == 0 ? nil : i % 6 - 1,
                    lift: [nil, true, false][i % 3], stepFree: [true, nil, false][i % 3],
                    netColdRent: Money(cents: Int64(30_000 + i * 777)), operatingCosts: Money(cents: Int64(8_000 + i)),
                    heatingCosts: i % 3 == 0 ? nil : Money(cents: Int64(5_000 + i)), heatingIncluded: i % 9 == 0,
                    heatingType: i % 4 == 0 ? nil : HeatingType.allCases[i % HeatingType.allCases.count],
                    deposit: i % 2 == 0 ? Money(cents: Int64(90_000 + i)) : nil, availableFrom: i % 3 == 0 ? day.adding(days: i) : nil,
                    availableFromText: i % 3 == 1 ? "sofort" : nil, wbsRequired: i % 8 == 0, petsAllowed: [nil, true, false][(i / 3) % 3],
                    firstSeen: day.adding(days: -(i % 40)), lastSeen: day, status: statuses[i % statuses.count])
                try listing.insert(db)
            }
            // A coordinate out of range (no location either way) and a duplicate (not offerable).
            try db.execute(sql: "UPDATE listing SET latitude = 123.0 WHERE externalId = 'X2'")
            try db.execute(sql: "UPDATE listing SET duplicateOfId = (SELECT id FROM listing WHERE externalId = 'X0') WHERE externalId = 'X10'")
        }
        let (fast, records) = try f.db.writer.read { db in
            (try AppDatabase.offerableListings(db), try Listing.all().offerable().order(Column("id")).fetchAll(db))
        }
        #expect(fast.count == records.count && records.count > 20)
        #expect(fast == records)
    }
}
