import Foundation
import GRDB
import HousingDomain

/// What an erasure (or the retention sweep) removed from one household and what it kept.
public struct ErasureReport: Codable, Sendable, Equatable {
    public struct Removed: Codable, Sendable, Equatable {
        public var members = 0
        public var anchors = 0
        public var visits = 0
        public var visitNotes = 0
        public var attendanceEntries = 0
        public var stageNotes = 0
        public var sharedWithCoaches = 0
        /// Rows deleted from the further tables of `AppDatabase.erasedTables`, by table.
        public var otherRows: [String: Int] = [:]
        /// Household fields emptied: BG-Nummer, languages, accommodation, Wohnsitzauflage, needs, …
        public var householdFields: [String] = []
    }
    public struct Kept: Codable, Sendable, Equatable {
        /// `ERASED-<id>`
        public var reference: String
        public var size: Int
        public var benefitType: BenefitType
        public var stage: Stage
        public var openedOn: CalendarDate
        public var closedOn: CalendarDate?
        public var coach: String?
        /// Stage changes with dates and actors (their notes are removed).
        public var stageChanges: Int
        /// Audit rows about the household: actor, time, command, ids; they never hold names or notes.
        public var auditRows: Int
    }
    public var householdID: Household.ID
    public var erasedOn: CalendarDate
    /// The stage the case was in, when it was open and had to be closed by the erasure.
    public var closedFrom: Stage?
    public var removed: Removed
    public var kept: Kept
}

/// How the file was cleaned after personal data was deleted.
public struct FileScrub: Codable, Sendable, Equatable {
    /// Freed pages were overwritten and the file rebuilt (`secure_delete`, `VACUUM`).
    public var vacuumed: Bool
    /// The write-ahead log was checkpointed and truncated to zero bytes; false when another program
    /// held the database open, in which case the old pages stay in the WAL until it is checkpointed.
    public var walTruncated: Bool
}

extension AppDatabase {
    /// Erases a household's personal data (GDPR art. 17; admins only) and keeps an anonymous
    /// remainder for reporting. `confirmation` must repeat the reference code.
    ///
    /// Members (with their attendance), anchors and visits are deleted, stage-change notes cleared,
    /// the household row emptied down to `ERASED-<id>`, size, benefit type, stage, coach and dates; an
    /// open case is closed. Audit rows stay: they hold no personal data. Afterwards the file is rebuilt
    /// so that no deleted text survives in it (`secure_delete`, `VACUUM`, WAL checkpoint).
    public func eraseHousehold(_ key: String, confirmation: String, today: CalendarDate, by actor: Actor) throws -> (ErasureReport, FileScrub) {
        let report: ErasureReport = try scrubbing { db in
            try require(actor, .erasePersonalData, action: "erase personal data")
            let household = try household(key, db)
            guard Household.referenceKey(confirmation) == Household.referenceKey(household.referenceCode) else {
                throw OperationsError.confirmationMismatch(expected: "the household's reference code", given: confirmation)
            }
            if try isErased(household, db) {
                throw OperationsError.alreadyErased(household: household.referenceCode)
            }
            return try anonymise(household, today: today, reason: "erasure request", by: actor, db)
        }
        return (report, try scrubFile())
    }

    static let erasedPrefix = "ERASED-"

    /// Further tables whose rows about a household (column `householdId`) are deleted on erasure;
    /// adding one is one line here. A table missing from the database is skipped. The tables above
    /// (members, anchors, visits, attendance, stage notes, sharing) are handled by `anonymise`.
    static let erasedTables: [String] = [
        // Suggested flats with their explanations (which name the household's places) and their review
        // events (with free-text notes, deleted with them).
        "suggestion"
    ]

    func isErased(_ household: Household, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT erasedOn IS NOT NULL FROM household WHERE id = ?", arguments: [household.id]) ?? false
    }

    /// Removes the personal data of one household inside the caller's transaction.
    func anonymise(_ household: Household, today: CalendarDate, reason: String, by actor: Actor, _ db: Database) throws -> ErasureReport {
        guard let id = household.id else { throw StoreError.refused("household without id") }
        var removed = ErasureReport.Removed()
        let size = try Member.filter(Column("householdId") == id).fetchCount(db)

        // Close an open case first, so the matching engine and agendas leave it alone.
        var closedFrom: Stage?
        var stage = household.stage
        if household.stage != .closed {
            closedFrom = household.stage
            var change = StageChange(householdID: id, from: household.stage, to: .closed, date: today, actor: actor.name, note: nil)
            try change.insert(db)
            stage = .closed
        }

        removed.attendanceEntries = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM attendance WHERE memberId IN (SELECT id FROM member WHERE householdId = ?)", arguments: [id]) ?? 0
        try db.execute(sql: "DELETE FROM attendance WHERE memberId IN (SELECT id FROM member WHERE householdId = ?)", arguments: [id])
        try db.execute(sql: "DELETE FROM anchor WHERE householdId = ?", arguments: [id])
        removed.anchors = db.changesCount
        removed.visitNotes = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM visit WHERE householdId = ? AND note IS NOT NULL", arguments: [id]) ?? 0
        try db.execute(sql: "DELETE FROM visit WHERE householdId = ?", arguments: [id])
        removed.visits = db.changesCount
        try db.execute(sql: "DELETE FROM member WHERE householdId = ?", arguments: [id])
        removed.members = db.changesCount
        try db.execute(sql: "UPDATE stageChange SET note = NULL WHERE householdId = ? AND note IS NOT NULL", arguments: [id])
        removed.stageNotes = db.changesCount
        try db.execute(sql: "DELETE FROM householdCoach WHERE householdId = ?", arguments: [id])
        removed.sharedWithCoaches = db.changesCount
        for table in Self.erasedTables where try db.tableExists(table) {
            try db.execute(sql: "DELETE FROM \(table.quotedDatabaseIdentifier) WHERE householdId = ?", arguments: [id])
            removed.otherRows[table] = db.changesCount
        }

        let h = household
        let fields: [(String, Bool)] = [
            ("BG-Nummer", h.jobcentreNumber != nil), ("languages", !h.languages.isEmpty), ("interpreter", h.interpreterNeeded),
            ("accommodation", h.currentAccommodation != nil || h.currentMunicipality != nil),
            ("Wohnsitzauflage", h.residenceObligation != .none), ("needs", h.needs != Needs()),
            ("preferred and excluded municipalities", !h.preferredMunicipalities.isEmpty || !h.excludedMunicipalities.isEmpty),
            ("move window", h.earliestMoveDate != nil || h.deadline != nil),
        ]
        removed.householdFields = fields.filter(\.1).map(\.0)
        // `ERASED-<id>`, unless someone gave another case that reference code.
        var reference = "\(Self.erasedPrefix)\(id.rawValue)"
        var attempt = 1
        while try Household.filter(Column("referenceKey") == Household.referenceKey(reference) && Column("id") != id).fetchCount(db) > 0 {
            attempt += 1
            reference = "\(Self.erasedPrefix)\(id.rawValue)-\(attempt)"
        }
        try db.execute(
            sql: """
                UPDATE household SET referenceCode = ?, referenceKey = ?, jobcentreNumber = NULL, languages = '[]',
                    interpreterNeeded = 0, currentAccommodation = NULL, currentMunicipality = NULL, residenceObligation = 'none',
                    needsStepFree = 0, needsGroundFloorOrLift = 0, maxFloor = NULL, hasPets = 0, wbsHeld = 0, wbsRooms = NULL,
                    preferredMunicipalities = '[]', excludedMunicipalities = '[]', earliestMoveDate = NULL, deadline = NULL,
                    stage = ?, erasedOn = ?, erasedSize = ?
                WHERE id = ?
                """,
            arguments: [reference, Household.referenceKey(reference), stage.rawValue, today, size, id])

        let closedOn = try CalendarDate.fetchOne(
            db, sql: "SELECT date FROM stageChange WHERE householdId = ? AND toStage = 'closed' ORDER BY id DESC LIMIT 1", arguments: [id])
        let detail = [
            "\(reason)", "removed \(removed.members) members, \(removed.anchors) anchors, \(removed.visits) visits",
            "\(removed.attendanceEntries) attendance entries, \(removed.stageNotes) stage notes",
            "fields: \(removed.householdFields.joined(separator: ", "))",
        ].joined(separator: "; ")
        try Audit.record(db, actor: actor, action: "erase", entity: "household", entityID: id.rawValue, householdID: id, detail: detail)
        let kept = ErasureReport.Kept(
            reference: reference, size: size, benefitType: household.benefitType, stage: stage, openedOn: household.openedOn,
            closedOn: closedOn, coach: try household.coachID.flatMap { try User.fetchOne(db, key: $0.rawValue)?.name },
            stageChanges: try StageChange.filter(Column("householdId") == id).fetchCount(db),
            auditRows: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM auditLog WHERE householdId = ?", arguments: [id]) ?? 0)
        return ErasureReport(householdID: id, erasedOn: today, closedFrom: closedFrom, removed: removed, kept: kept)
    }

    /// Runs `body` in one transaction on a connection with `secure_delete` on, so that deleted rows
    /// are overwritten with zeros in the pages they leave.
    func scrubbing<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StoreError.refused("the erasure did not complete") }
                return result
            }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Rebuilds the file so that no deleted text survives: VACUUM writes every live page afresh
    /// (and drops free pages), then the WAL, which still holds old page images, is checkpointed and
    /// truncated to zero bytes.
    func scrubFile() throws -> FileScrub {
        do {
            return try writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                try db.execute(sql: "VACUUM")
                do {
                    let result = try db.checkpoint(.truncate)
                    // -1 frames: not in WAL mode (an in-memory database), nothing to truncate.
                    return FileScrub(vacuumed: true, walTruncated: result.walFrameCount <= 0 || result.walFrameCount == result.checkpointedFrameCount)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                    return FileScrub(vacuumed: true, walTruncated: false)
                }
            }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }
}
