import Foundation
import GRDB
import HousingDomain
import HousingStore
import Testing

@testable import ListingImport

/// Parsing runs on its own thread while the database applies what was parsed; a failure on either
/// side must still leave the source exactly as it was, and the parsing thread must be finished.
@Suite struct PipelineTests {
    /// Set from the producer thread, read after `pipeline` returned.
    final class Flags: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String: Int] = [:]
        func set(_ key: String, _ value: Int) { lock.withLock { values[key] = value } }
        func get(_ key: String) -> Int? { lock.withLock { values[key] } }
    }

    struct Boom: Error, Equatable {}

    @Test func deliversEveryItemInOrderAndReturnsTheProducersResult() throws {
        var seen: [Int] = []
        let result = try pipeline(batchSize: 7, capacity: 2, produce: { emit in
            for i in 0..<10_000 { try emit(i) }
            return "done"
        }, consume: { seen.append($0) })
        #expect(result == "done")
        #expect(seen == Array(0..<10_000))
    }

    @Test func aConsumerErrorStopsTheProducerBeforeReturning() throws {
        let flags = Flags()
        var consumed = 0
        #expect(throws: Boom.self) {
            _ = try pipeline(batchSize: 16, capacity: 2, produce: { emit in
                defer { flags.set("finished", 1) }
                var emitted = 0
                do {
                    for i in 0..<1_000_000 {
                        try emit(i)
                        emitted += 1
                    }
                } catch {
                    flags.set("stoppedAfter", emitted)
                    throw error
                }
                return 0
            }, consume: { item in
                if item == 100 { throw Boom() }
                consumed += 1
            })
        }
        #expect(consumed == 100)
        // The producer was finished when pipeline returned, and was stopped long before the end.
        #expect(flags.get("finished") == 1)
        #expect((flags.get("stoppedAfter") ?? .max) < 1_000)
    }

    @Test func aProducerErrorIsRethrownAfterAnInOrderPrefix() throws {
        var seen: [Int] = []
        #expect(throws: Boom.self) {
            _ = try pipeline(batchSize: 4, capacity: 1, produce: { emit -> Int in
                for i in 0..<10 { try emit(i) }
                throw Boom()
            }, consume: { seen.append($0) })
        }
        // What the consumer applied is a prefix (the caller's transaction rolls it back anyway).
        #expect(seen == Array(0..<seen.count))
        #expect(seen.count >= 8)
    }

    /// A file source "co" whose first import brought 10 flats.
    static func sourceWithTenFlats() async throws -> (ImportHarness, ListingImporter, SourceConfig, URL) {
        let h = try ImportHarness()
        let feed = h.directory.appendingPathComponent("feed.xml")
        try Data(openImmo(.full, 0..<10).utf8).write(to: feed)
        let importer = ListingImporter(database: h.database, actor: h.actor, resolver: nil, today: h.today, environment: [:])
        let source = SourceConfig(name: "co", location: .file(feed), format: .openimmo)
        #expect(await importer.importSource(source).succeeded)
        return (h, importer, source, feed)
    }

    /// 5,000 flats, cut off before the end: thousands were applied before the parser found the cut,
    /// and all of them are rolled back with the rest.
    @Test func aFeedCutOffAtTheEndLeavesTheSourceAsItWas() async throws {
        let (h, importer, source, feed) = try await Self.sourceWithTenFlats()
        let before = try h.listings()

        let whole = openImmo(.full, 5..<5_005)
        try Data(whole.utf8.prefix(whole.utf8.count - 40)).write(to: feed)
        let report = await importer.importSource(source)
        #expect(report.run.outcome == .failed)
        #expect(report.run.error?.contains("malformed or truncated") == true, "\(report.run.error ?? "")")
        #expect(try h.listings() == before)
        #expect(try h.scalar("SELECT COUNT(*) FROM listingPrice") == 10)
    }

    /// The database refuses one flat in the middle of a large feed (a real SQLite error, raised by a
    /// trigger): the parsing stops, nothing of the source changes, and the next run works.
    @Test func aDatabaseErrorMidFeedLeavesTheSourceAsItWas() async throws {
        let (h, importer, source, feed) = try await Self.sourceWithTenFlats()
        let before = try h.listings()

        try await h.database.writer.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER refuse BEFORE INSERT ON listing WHEN NEW.externalId = 'BENCH-2500'
                BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END
                """)
        }
        try Data(openImmo(.full, 0..<5_000).utf8).write(to: feed)
        let report = await importer.importSource(source)
        #expect(report.run.outcome == .failed)
        #expect(report.run.error?.contains("refused by the test trigger") == true, "\(report.run.error ?? "")")
        #expect(try h.listings() == before)

        try await h.database.writer.write { try $0.execute(sql: "DROP TRIGGER temp.refuse") }
        let again = await importer.importSource(source)
        #expect(again.succeeded)
        #expect(again.run.counts.new == 4_990 && again.run.counts.unchanged == 10)
    }
}
