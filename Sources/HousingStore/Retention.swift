import Foundation
import GRDB
import HousingDomain

/// The days before which the retention policy says data is due (computed from `Rules/retention.yaml`
/// and today by the caller).
public struct RetentionCutoffs: Codable, Sendable, Equatable {
    /// Closed cases closed on or before this day are anonymised.
    public var casesClosedOnOrBefore: CalendarDate
    /// Notes of visits on or before this day are cleared.
    public var visitNotesOnOrBefore: CalendarDate
    /// Diagnostics of import runs that finished on or before this day are pruned.
    public var importRunsOnOrBefore: CalendarDate

    public init(casesClosedOnOrBefore: CalendarDate, visitNotesOnOrBefore: CalendarDate, importRunsOnOrBefore: CalendarDate) {
        self.casesClosedOnOrBefore = casesClosedOnOrBefore
        self.visitNotesOnOrBefore = visitNotesOnOrBefore
        self.importRunsOnOrBefore = importRunsOnOrBefore
    }
}

/// What `privacy sweep` found due and, with `--apply`, did.
public struct SweepReport: Codable, Sendable {
    /// A closed case due for anonymisation (ids and dates only: a dry run reads no personal data).
    public struct DueCase: Codable, Sendable, Equatable {
        public var householdID: Household.ID
        public var closedOn: CalendarDate
    }
    public var applied: Bool
    public var cutoffs: RetentionCutoffs
    public var cases: [DueCase]
    /// Visit notes due, outside the cases above (whose visits go with them).
    public var visitNotes: Int
    /// Households whose visit notes are due, with the number of notes.
    public var visitNotesByHousehold: [NotesDue]
    public struct NotesDue: Codable, Sendable, Equatable {
        public var householdID: Household.ID
        public var notes: Int
    }
    public var importRunDiagnostics: Int
    /// With `--apply`: what each anonymisation removed and kept.
    public var erasures: [ErasureReport]
    /// With `--apply` and something done: how the file was cleaned.
    public var scrub: FileScrub?

    public var isEmpty: Bool { cases.isEmpty && visitNotes == 0 && importRunDiagnostics == 0 }
}

extension AppDatabase {
    /// Applies the retention policy (admins only): anonymises closed cases, clears old visit notes and
    /// prunes old import diagnostics. With `apply` false it only counts, and writes nothing at all.
    public func retentionSweep(_ cutoffs: RetentionCutoffs, today: CalendarDate, apply: Bool, by actor: Actor) throws -> SweepReport {
        try require(actor, .erasePersonalData, action: "apply the retention policy")
        guard apply else {
            return try read { db in try dueItems(cutoffs, db) }
        }
        var report = try scrubbing { db in
            var report = try dueItems(cutoffs, db)
            report.applied = true
            for due in report.cases {
                guard let household = try Household.fetchOne(db, key: due.householdID.rawValue) else { continue }
                report.erasures.append(try anonymise(
                    household, today: today, reason: "retention: closed on \(due.closedOn.iso)", by: actor, db))
            }
            for due in report.visitNotesByHousehold {
                try db.execute(
                    sql: "UPDATE visit SET note = NULL WHERE householdId = ? AND note IS NOT NULL AND date <= ?",
                    arguments: [due.householdID, cutoffs.visitNotesOnOrBefore])
                try Audit.record(db, actor: actor, action: "clear-notes", entity: "visit", entityID: nil, householdID: due.householdID,
                    detail: "retention: \(due.notes) visit notes up to \(cutoffs.visitNotesOnOrBefore.iso)")
            }
            if report.importRunDiagnostics > 0 {
                try db.execute(
                    sql: "UPDATE importRun SET diagnostics = NULL WHERE diagnostics IS NOT NULL AND substr(finishedAt, 1, 10) <= ?",
                    arguments: [cutoffs.importRunsOnOrBefore])
                try Audit.record(db, actor: actor, action: "prune", entity: "importRun", entityID: nil,
                    detail: "retention: diagnostics of \(report.importRunDiagnostics) runs up to \(cutoffs.importRunsOnOrBefore.iso)")
            }
            return report
        }
        if !report.isEmpty { report.scrub = try scrubFile() }
        return report
    }

    private func dueItems(_ cutoffs: RetentionCutoffs, _ db: Database) throws -> SweepReport {
        // The day a closed case was closed: its last move to `closed`.
        let cases = try Row.fetchAll(
            db,
            sql: """
                SELECT h.id, (SELECT date FROM stageChange s WHERE s.householdId = h.id AND s.toStage = 'closed'
                              ORDER BY s.id DESC LIMIT 1) AS closedOn
                FROM household h
                WHERE h.stage = 'closed' AND h.erasedOn IS NULL
                ORDER BY h.id
                """
        ).compactMap { row -> SweepReport.DueCase? in
            guard let closedOn = CalendarDate(iso: row["closedOn"] ?? ""), closedOn <= cutoffs.casesClosedOnOrBefore else { return nil }
            return SweepReport.DueCase(householdID: row["id"], closedOn: closedOn)
        }
        let dueIDs = Set(cases.map(\.householdID))
        let notes = try Row.fetchAll(
            db, sql: "SELECT householdId, COUNT(*) AS n FROM visit WHERE note IS NOT NULL AND date <= ? GROUP BY householdId ORDER BY householdId",
            arguments: [cutoffs.visitNotesOnOrBefore]
        ).map { SweepReport.NotesDue(householdID: $0["householdId"], notes: $0["n"]) }.filter { !dueIDs.contains($0.householdID) }
        let runs = try db.tableExists("importRun")
            ? try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM importRun WHERE diagnostics IS NOT NULL AND substr(finishedAt, 1, 10) <= ?",
                arguments: [cutoffs.importRunsOnOrBefore]) ?? 0
            : 0
        return SweepReport(
            applied: false, cutoffs: cutoffs, cases: cases, visitNotes: notes.map(\.notes).reduce(0, +), visitNotesByHousehold: notes,
            importRunDiagnostics: runs, erasures: [], scrub: nil)
    }
}
