import Foundation
import GRDB
import HousingDomain
import Testing

@testable import HousingStore

/// Pins what `ImportSession` writes for new, unchanged, changed, returning and withdrawn flats,
/// column by column, so the reconcile path can be made faster without changing what it stores.
@Suite struct ImportSessionTests {
    static let day1 = CalendarDate(iso: "2026-03-01")!
    static let day2 = CalendarDate(iso: "2026-03-02")!
    static let day3 = CalendarDate(iso: "2026-03-03")!

    /// A flat with every optional field set.
    static func fullFlat(_ externalID: String, rent: Int64 = 52_000) -> Listing {
        Listing(
            source: "ignored", externalID: externalID, url: "https://example.org/\(externalID)", title: "2-Zimmer-Wohnung in Plön",
            address: Address(street: "Lange Straße", houseNumber: "12a", postalCode: PostalCode("24306"), place: "Plön"),
            municipality: MunicipalityKey("01057057"), coordinate: Coordinate(latitude: 54.1624, longitude: 10.4214),
            rooms: 2.5, livingArea: 61.25, floor: -1, lift: true, stepFree: false, netColdRent: Money(cents: rent),
            operatingCosts: Money(cents: 14_000), heatingCosts: Money(cents: 9_000), heatingIncluded: false, heatingType: .district,
            deposit: Money(cents: rent * 3), availableFrom: CalendarDate(iso: "2026-05-01"), availableFromText: nil,
            wbsRequired: true, petsAllowed: false, firstSeen: day3, lastSeen: day3, status: .gone)
    }

    /// A flat with every optional field empty.
    static func bareFlat(_ externalID: String) -> Listing {
        Listing(
            source: "ignored", externalID: externalID, address: Address(), rooms: 1, livingArea: 30,
            netColdRent: Money(cents: 30_000), operatingCosts: Money(cents: 6_000), availableFromText: "sofort",
            firstSeen: day3, lastSeen: day3)
    }

    /// Runs one import of `source` on `today` and returns its counts.
    @discardableResult
    static func importing(
        _ f: Fixture, source: String = "co", today: CalendarDate, full: Bool = true, _ body: (ImportSession) throws -> Void
    ) throws -> ReconcileCounts {
        let (_, run) = try f.db.importSource(source, today: today, fetchState: nil, actor: f.admin) { session in
            try body(session)
            return ((), full, { counts in
                ImportRunRecord(
                    source: source, startedAt: "s", finishedAt: "f", outcome: .imported, httpStatus: nil, bytes: 0, scope: nil,
                    counts: counts, skipped: 0, warnings: 0, error: nil, diagnostics: [])
            })
        }
        return run.counts
    }

    static func row(_ f: Fixture, _ externalID: String, source: String = "co") throws -> Row? {
        try f.db.writer.read { try Row.fetchOne($0, sql: "SELECT * FROM listing WHERE source = ? AND externalId = ?", arguments: [source, externalID]) }
    }

    static func listing(_ f: Fixture, _ externalID: String, source: String = "co") throws -> Listing? {
        try f.db.writer.read {
            try Listing.fetchOne($0, sql: "SELECT * FROM listing WHERE source = ? AND externalId = ?", arguments: [source, externalID])
        }
    }

    static func prices(_ f: Fixture) throws -> [Row] {
        try f.db.writer.read {
            try Row.fetchAll($0, sql: "SELECT listingId, seenOn, netColdRentCents, operatingCostsCents, heatingCostsCents FROM listingPrice ORDER BY id")
        }
    }

    static func execute(_ f: Fixture, _ sql: String, _ arguments: StatementArguments = []) throws {
        try f.db.writer.write { try $0.execute(sql: sql, arguments: arguments) }
    }

    @Test(arguments: [fullFlat("A-1"), bareFlat("B-1")])
    func newFlatIsStoredExactlyAsTheRecordEncodesIt(flat: Listing) throws {
        let f = try Fixture()
        let counts = try Self.importing(f, today: Self.day1) { try $0.upsert(flat, contentHash: "h1", landlord: nil) }
        #expect(counts.new == 1)

        // The same flat written through the record encoding, in another fresh database.
        var expected = flat
        expected.source = "co"
        expected.firstSeen = Self.day1
        expected.lastSeen = Self.day1
        expected.status = .active
        let reference = try Fixture()
        let referenceRow = try reference.db.writer.write { db -> Row? in
            var record = expected
            try record.insert(db)
            try db.execute(sql: "UPDATE listing SET contentHash = 'h1' WHERE id = ?", arguments: [record.id?.rawValue])
            return try Row.fetchOne(db, sql: "SELECT * FROM listing")
        }
        let stored = try #require(try Self.row(f, flat.externalID))
        #expect(stored == referenceRow)
        expected.id = Listing.ID(1)
        #expect(try Self.listing(f, flat.externalID) == expected)
        let price = try #require(try Self.prices(f).first)
        #expect(price["listingId"] == 1 as Int64)
        #expect(price["seenOn"] == "2026-03-01")
        #expect(price["netColdRentCents"] == flat.netColdRent.cents)
        #expect(price["operatingCostsCents"] == flat.operatingCosts.cents)
        #expect(price["heatingCostsCents"] == flat.heatingCosts?.cents)
        #expect(try Self.prices(f).count == 1)
    }

    @Test func unchangedFlatOnlyRefreshesLastSeen() throws {
        let f = try Fixture()
        try Self.importing(f, today: Self.day1) { try $0.upsert(Self.fullFlat("A-1"), contentHash: "h1", landlord: nil) }
        let before = try #require(try Self.row(f, "A-1"))
        let counts = try Self.importing(f, today: Self.day2) { try $0.upsert(Self.fullFlat("A-1"), contentHash: "h1", landlord: nil) }
        #expect(counts.unchanged == 1 && counts.new + counts.changed + counts.gone == 0)
        let after = try #require(try Self.row(f, "A-1"))
        for column in before.columnNames where column != "lastSeen" {
            #expect(after[column] as DatabaseValue == before[column] as DatabaseValue, "\(column)")
        }
        #expect(after["lastSeen"] == "2026-03-02")
        #expect(try Self.prices(f).count == 1)
        // Again on the same day: still unchanged, nothing written.
        let again = try Self.importing(f, today: Self.day2) { try $0.upsert(Self.fullFlat("A-1"), contentHash: "h1", landlord: nil) }
        #expect(again.unchanged == 1)
        #expect(try Self.row(f, "A-1") == after)
        // A stored flat without a hash (written before hashes existed) counts as changed once.
        try Self.execute(f, "UPDATE listing SET contentHash = NULL")
        let rehashed = try Self.importing(f, today: Self.day3) { try $0.upsert(Self.fullFlat("A-1"), contentHash: "h1", landlord: nil) }
        #expect(rehashed.changed == 1)
        #expect(try Self.row(f, "A-1")?["contentHash"] == "h1")
        #expect(try Self.prices(f).count == 1)
    }

    @Test func changedFlatIsRewrittenKeepingFirstSeenAndGrowsPricesOnlyWhenAPriceChanged() throws {
        let f = try Fixture()
        try Self.importing(f, today: Self.day1) { try $0.upsert(Self.fullFlat("A-1"), contentHash: "h1", landlord: nil) }
        // A new description, same prices.
        var retitled = Self.bareFlat("A-1")
        retitled.netColdRent = Money(cents: 52_000)
        retitled.operatingCosts = Money(cents: 14_000)
        retitled.heatingCosts = Money(cents: 9_000)
        let counts = try Self.importing(f, today: Self.day2) { try $0.upsert(retitled, contentHash: "h2", landlord: nil) }
        #expect(counts.changed == 1 && counts.unchanged == 0 && counts.new == 0)
        var expected = retitled
        expected.id = Listing.ID(1)
        expected.source = "co"
        expected.firstSeen = Self.day1
        expected.lastSeen = Self.day2
        expected.status = .active
        #expect(try Self.listing(f, "A-1") == expected)
        #expect(try Self.row(f, "A-1")?["contentHash"] == "h2")
        #expect(try Self.prices(f).count == 1)

        // Only the heating costs go from known to unknown: a price change.
        var noHeating = retitled
        noHeating.heatingCosts = nil
        try Self.importing(f, today: Self.day3) { try $0.upsert(noHeating, contentHash: "h3", landlord: nil) }
        let prices = try Self.prices(f)
        #expect(prices.count == 2)
        #expect(prices.last?["seenOn"] == "2026-03-03")
        #expect(prices.last?["netColdRentCents"] == 52_000 as Int64)
        #expect(prices.last?["heatingCostsCents"] == DatabaseValue.null)

        // Rent up.
        try Self.importing(f, today: Self.day3) { try $0.upsert(Self.fullFlat("A-1", rent: 55_000), contentHash: "h4", landlord: nil) }
        #expect(try Self.prices(f).count == 3)
        #expect(try Self.prices(f).last?["netColdRentCents"] == 55_000 as Int64)
        #expect(try Self.listing(f, "A-1")?.deposit == Money(cents: 165_000))
    }

    @Test(arguments: [Listing.Status.reserved, .let])
    func changedFlatKeepsCoachStatusDuplicateLinkAndLandlord(status: Listing.Status) throws {
        let f = try Fixture()
        try Self.importing(f, source: "other", today: Self.day1) { try $0.upsert(Self.bareFlat("X-1"), contentHash: "x", landlord: nil) }
        try Self.importing(f, today: Self.day1) {
            try $0.upsert(Self.fullFlat("A-1"), contentHash: "h1", landlord: LandlordHint(company: "KIWO", name: nil, phone: nil, email: nil))
        }
        let id = try #require(try Self.listing(f, "A-1")?.id?.rawValue)
        let other = try #require(try Self.listing(f, "X-1", source: "other")?.id?.rawValue)
        // The other source's flat is gone, so no duplicate linking runs and the stored link must survive.
        try Self.execute(f, "UPDATE listing SET status = 'gone' WHERE id = ?", [other])
        try Self.execute(f, "UPDATE listing SET status = ?, duplicateOfId = ? WHERE id = ?", [status.rawValue, other, id])
        let landlord = try Self.listing(f, "A-1")?.landlordID
        #expect(landlord != nil)

        let counts = try Self.importing(f, today: Self.day2) { try $0.upsert(Self.fullFlat("A-1", rent: 53_000), contentHash: "h2", landlord: nil) }
        #expect(counts.changed == 1)
        let after = try #require(try Self.listing(f, "A-1"))
        #expect(after.status == status)
        #expect(after.duplicateOf == Listing.ID(other))
        #expect(after.landlordID == landlord, "no contact in the feed keeps the landlord")
        #expect(after.netColdRent == Money(cents: 53_000))
        #expect(after.firstSeen == Self.day1 && after.lastSeen == Self.day2)
    }

    @Test func withdrawnFlatComesBackAsChangedWithoutNewPrice() throws {
        let f = try Fixture()
        try Self.importing(f, today: Self.day1) {
            try $0.upsert(Self.fullFlat("A-1"), contentHash: "h1", landlord: nil)
            try $0.upsert(Self.bareFlat("B-1"), contentHash: "b1", landlord: nil)
        }
        let gone = try Self.importing(f, today: Self.day2) { try $0.upsert(Self.bareFlat("B-1"), contentHash: "b1", landlord: nil) }
        #expect(gone.gone == 1 && gone.unchanged == 1)
        #expect(try Self.listing(f, "A-1")?.status == .gone)
        #expect(try Self.listing(f, "A-1")?.lastSeen == Self.day1)

        let back = try Self.importing(f, today: Self.day3) {
            try $0.upsert(Self.fullFlat("A-1"), contentHash: "h1", landlord: nil)
            try $0.upsert(Self.bareFlat("B-1"), contentHash: "b1", landlord: nil)
        }
        #expect(back.changed == 1 && back.unchanged == 1 && back.gone == 0)
        let a = try #require(try Self.listing(f, "A-1"))
        #expect(a.status == .active && a.firstSeen == Self.day1 && a.lastSeen == Self.day3)
        #expect(try Self.prices(f).count == 2, "one price row per flat: the price did not change")
    }

    @Test func markGoneCountsOnceAndIsNotRetiredAgainByTheFullTransfer() throws {
        let f = try Fixture()
        try Self.importing(f, today: Self.day1) {
            for i in 0..<3 { try $0.upsert(Self.bareFlat("B-\(i)"), contentHash: "b\(i)", landlord: nil) }
        }
        let partial = try Self.importing(f, today: Self.day2, full: false) {
            try $0.markGone(externalID: "B-0")
            try $0.markGone(externalID: "B-0")
            try $0.markGone(externalID: "unknown")
        }
        #expect(partial.gone == 1)
        #expect(try Self.listing(f, "B-1")?.status == .active, "a partial transfer keeps what it does not mention")

        let full = try Self.importing(f, today: Self.day3) {
            try $0.markGone(externalID: "B-0")
            try $0.upsert(Self.bareFlat("B-1"), contentHash: "b1", landlord: nil)
        }
        #expect(full.gone == 1, "only B-2 is retired; B-0 was gone already")
        #expect(try Self.listing(f, "B-2")?.status == .gone)
        #expect(try Self.listing(f, "B-1")?.status == .active)
    }

    @Test func fullTransferRetiresReservedButNotLetFlats() throws {
        let f = try Fixture()
        try Self.importing(f, today: Self.day1) {
            for i in 0..<3 { try $0.upsert(Self.bareFlat("B-\(i)"), contentHash: "b\(i)", landlord: nil) }
        }
        try Self.execute(f, "UPDATE listing SET status = 'reserved' WHERE externalId = 'B-1'")
        try Self.execute(f, "UPDATE listing SET status = 'let' WHERE externalId = 'B-2'")
        let counts = try Self.importing(f, today: Self.day2) { try $0.upsert(Self.bareFlat("N-1"), contentHash: "n", landlord: nil) }
        #expect(counts.gone == 2 && counts.new == 1)
        #expect(try Self.listing(f, "B-1")?.status == .gone)
        #expect(try Self.listing(f, "B-2")?.status == .let)
    }

    @Test func landlordIsFoundOrCreatedByTrimmedNameIgnoringCase() throws {
        let f = try Fixture()
        try Self.execute(f, "INSERT INTO landlord (name, kind) VALUES ('KIWO Kieler Wohnungsbau', 'company')")
        try Self.importing(f, today: Self.day1) { s in
            try s.upsert(Self.bareFlat("L-1"), contentHash: "1", landlord: LandlordHint(company: " kiwo kieler wohnungsbau ", name: "Frau Beispiel", phone: nil, email: nil))
            try s.upsert(Self.bareFlat("L-2"), contentHash: "2", landlord: LandlordHint(company: "Probstei Wohnbau", name: "Herr Muster", phone: "04344 0000", email: "a@example.org"))
            try s.upsert(Self.bareFlat("L-3"), contentHash: "3", landlord: LandlordHint(company: "PROBSTEI WOHNBAU ", name: nil, phone: nil, email: nil))
            try s.upsert(Self.bareFlat("L-4"), contentHash: "4", landlord: LandlordHint(company: nil, name: "Jana Beispiel", phone: nil, email: "j@example.org"))
            try s.upsert(Self.bareFlat("L-5"), contentHash: "5", landlord: LandlordHint(company: "  ", name: "x", phone: nil, email: nil))
            try s.upsert(Self.bareFlat("L-6"), contentHash: "6", landlord: nil)
        }
        let landlords = try f.db.writer.read { try Landlord.fetchAll($0, sql: "SELECT * FROM landlord ORDER BY id") }
        #expect(landlords.map(\.name) == ["KIWO Kieler Wohnungsbau", "Probstei Wohnbau", "Jana Beispiel"])
        #expect(landlords[1].kind == .company && landlords[1].contactPerson == "Herr Muster" && landlords[1].phone == "04344 0000")
        #expect(landlords[2].kind == .private && landlords[2].contactPerson == nil && landlords[2].email == "j@example.org")
        let ids = try (1...6).map { try Self.listing(f, "L-\($0)")?.landlordID }
        #expect(ids == [landlords[0].id, landlords[1].id, landlords[1].id, landlords[2].id, nil, nil])
    }

    /// A first import retires nothing but what the feed itself deletes.
    @Test func firstFullImportRetiresOnlyWhatItDeletes() throws {
        let f = try Fixture()
        let counts = try Self.importing(f, today: Self.day1) { s in
            try s.upsert(Self.bareFlat("A-1"), contentHash: "a", landlord: nil)
            try s.upsert(Self.bareFlat("B-1"), contentHash: "b", landlord: nil)
            try s.markGone(externalID: "B-1")
            try s.upsert(Self.bareFlat("C-1"), contentHash: "c", landlord: nil)
        }
        #expect(counts.new == 3 && counts.gone == 1)
        #expect(try ["A-1", "B-1", "C-1"].map { try Self.listing(f, $0)?.status } == [.active, .gone, .active])
    }

    /// A source's first import inserts without looking up first; a flat the feed names twice must
    /// come out as on any later import: the repeat is unchanged, a third mention with a new price changed.
    @Test(arguments: [false, true])
    func flatNamedTwiceInOneFeed(sourceHadAFlat: Bool) throws {
        let f = try Fixture()
        if sourceHadAFlat {
            try Self.importing(f, today: Self.day1) { try $0.upsert(Self.bareFlat("OLD"), contentHash: "old", landlord: nil) }
        }
        let kiwo = LandlordHint(company: "KIWO", name: "Frau Beispiel", phone: nil, email: nil)
        let counts = try Self.importing(f, today: Self.day2, full: false) { s in
            try s.upsert(Self.fullFlat("D-1"), contentHash: "d1", landlord: kiwo)
            try s.upsert(Self.fullFlat("D-1"), contentHash: "d1", landlord: kiwo)
            try s.upsert(Self.fullFlat("D-1", rent: 53_000), contentHash: "d1b", landlord: kiwo)
        }
        #expect(counts.new == 1 && counts.unchanged == 1 && counts.changed == 1)
        let flat = try #require(try Self.listing(f, "D-1"))
        #expect(flat.netColdRent == Money(cents: 53_000) && flat.firstSeen == Self.day2 && flat.lastSeen == Self.day2)
        #expect(flat.status == .active && flat.source == "co")
        #expect(try Self.row(f, "D-1")?["contentHash"] == "d1b")
        let prices = try Self.prices(f).filter { $0["listingId"] == flat.id?.rawValue }.map { $0["netColdRentCents"] as Int64 }
        #expect(prices == [52_000, 53_000])
        #expect(try f.db.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM landlord") } == 1)
    }

    /// Unchanged flats get their new lastSeen in batches; every one of them, the last partial batch too.
    @Test func everyUnchangedFlatOfALargeFeedIsSeenToday() throws {
        let f = try Fixture()
        let flats = (0..<150).map { Self.bareFlat("U-\($0)") }
        try Self.importing(f, today: Self.day1) { s in for flat in flats { try s.upsert(flat, contentHash: flat.externalID, landlord: nil) } }
        let counts = try Self.importing(f, today: Self.day2) { s in for flat in flats { try s.upsert(flat, contentHash: flat.externalID, landlord: nil) } }
        #expect(counts.unchanged == 150 && counts.new + counts.changed + counts.gone == 0)
        let seen = try f.db.writer.read { try Row.fetchAll($0, sql: "SELECT firstSeen, lastSeen, status FROM listing") }
        #expect(seen.count == 150)
        #expect(seen.allSatisfy { $0["firstSeen"] == "2026-03-01" && $0["lastSeen"] == "2026-03-02" && $0["status"] == "active" })
    }

    @Test func sameFeedTwiceIsIdempotent() throws {
        let f = try Fixture()
        let flats = (0..<20).map { $0 % 2 == 0 ? Self.fullFlat("A-\($0)", rent: 40_000 + Int64($0) * 100) : Self.bareFlat("B-\($0)") }
        let first = try Self.importing(f, today: Self.day1) { s in for flat in flats { try s.upsert(flat, contentHash: flat.externalID, landlord: nil) } }
        #expect(first.new == 20)
        let before = try f.db.writer.read { try Row.fetchAll($0, sql: "SELECT * FROM listing ORDER BY id") }
        let second = try Self.importing(f, today: Self.day1) { s in for flat in flats { try s.upsert(flat, contentHash: flat.externalID, landlord: nil) } }
        #expect(second.unchanged == 20 && second.new + second.changed + second.gone == 0)
        #expect(try f.db.writer.read { try Row.fetchAll($0, sql: "SELECT * FROM listing ORDER BY id") } == before)
        #expect(try Self.prices(f).count == 20)
    }
}
