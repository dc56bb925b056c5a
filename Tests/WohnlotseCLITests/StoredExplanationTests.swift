import Foundation
import GRDB
import HousingDomain
import HousingStore
import Matching
import RuleBook
import Testing

@testable import WohnlotseCommands

/// The matching job stores each suggestion's explanation as figures plus its run's shared terms,
/// the best k explained while the assignment runs and the rest after: read back, every stored
/// suggestion must say exactly what the run's own explanation of the pair says, with the run's
/// ranks and assignment, and the same data must store the same bytes.
@Suite struct StoredExplanationTests {
    func demoDatabase() throws -> (CLIRunner, AppDatabase, RuleBook) {
        let cli = try CLIRunner(environment: ["WOHNLOTSE_TODAY": "2026-03-01"])
        try cli.installProjectData(imports: true)
        try cli.ok(["demo"])
        let book = try RuleBook.load(directory: cli.directory.appendingPathComponent("Rules"))
        return (cli, try AppDatabase.open(path: cli.path("wohnlotse.sqlite")), book)
    }

    @Test func everyStoredSuggestionReadsBackAsTheRunExplainedIt() throws {
        let (_, db, book) = try demoDatabase()
        let admin = try db.actor(named: "demo", command: "test")
        let day = try #require(CalendarDate(iso: "2026-03-01"))
        let report = try MatchJob.run(db: db, actor: admin, book: book, rules: book.matching, on: day)
        let stored = try db.suggestions(runID: report.run.id, by: admin)
        #expect(stored.count == report.run.suggestions && stored.count > 20)
        let householdIndex = Dictionary(uniqueKeysWithValues: report.input.households.enumerated().compactMap { i, p in p.household.id.map { ($0, i) } })
        let listingIndex = Dictionary(uniqueKeysWithValues: report.input.listings.enumerated().compactMap { i, l in l.id.map { ($0, i) } })
        for s in stored {
            let h = try #require(householdIndex[s.householdID])
            let l = try #require(listingIndex[s.listingID])
            let expected = try #require(report.outcome.explanation(household: h, listing: l))
            #expect(try MatchExplanation(stored: s.explanation, terms: s.explanationTerms) == expected, "suggestion \(s.id)")
            let result = report.outcome.results[h]
            #expect(s.assigned == (result.assigned == l))
            #expect(s.rank == (result.top.firstIndex { $0.listing == l }.map { $0 + 1 }))
            #expect(s.score == min(1, max(0, expected.score)) && s.priority == expected.priority)
        }
    }

    @Test func theSameDataStoresTheSameBytes() throws {
        let (cli, db, book) = try demoDatabase()
        let copy = cli.path("copy.sqlite")
        try db.writer.backup(to: try DatabaseQueue(path: copy))
        let day = try #require(CalendarDate(iso: "2026-03-01"))
        var runs: [[String]] = []
        for database in [db, try AppDatabase.open(path: copy)] {
            let admin = try database.actor(named: "demo", command: "test")
            let run = try MatchJob.run(db: database, actor: admin, book: book, rules: book.matching, on: day).run
            let rows = try database.writer.read { db in
                try String.fetchAll(db, sql: "SELECT explanation FROM suggestion WHERE matchRunId = ? ORDER BY id", arguments: [run.id])
                    + [try String.fetchOne(db, sql: "SELECT explanationTerms FROM matchRun WHERE id = ?", arguments: [run.id]) ?? ""]
            }
            runs.append(rows)
        }
        #expect(runs[0].count > 20 && runs[0] == runs[1])
    }
}
