import Foundation
import GRDB
import HousingDomain

/// What a listing source said on its last successful fetch, for conditional GET.
public struct SourceFetchState: Sendable, Equatable {
    public var etag: String?
    public var lastModified: String?
    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// Contact data a feed gives for a listing's landlord.
public struct LandlordHint: Sendable, Hashable {
    public var company: String?
    public var name: String?
    public var phone: String?
    public var email: String?
    public init(company: String?, name: String?, phone: String?, email: String?) {
        self.company = company
        self.name = name
        self.phone = phone
        self.email = email
    }
}

/// Counts of what one source's import did.
public struct ReconcileCounts: Codable, Sendable, Equatable {
    public var new = 0
    public var changed = 0
    public var unchanged = 0
    public var gone = 0
    public var duplicates = 0
    public init() {}
}

/// One recorded run of one source.
public struct ImportRunRecord: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable { case imported, notModified = "not-modified", failed }
    public var id: Int64?
    public var source: String
    public var startedAt: String
    public var finishedAt: String
    public var outcome: Outcome
    public var httpStatus: Int?
    public var bytes: Int
    public var scope: String?
    public var counts: ReconcileCounts
    public var skipped: Int
    public var warnings: Int
    public var error: String?
    /// Diagnostics as text lines (capped).
    public var diagnostics: [String]

    public init(source: String, startedAt: String, finishedAt: String, outcome: Outcome, httpStatus: Int?, bytes: Int, scope: String?,
                counts: ReconcileCounts, skipped: Int, warnings: Int, error: String?, diagnostics: [String]) {
        self.source = source
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.bytes = bytes
        self.scope = scope
        self.counts = counts
        self.skipped = skipped
        self.warnings = warnings
        self.error = error
        self.diagnostics = diagnostics
    }
}

/// A source that needs the admin's attention.
public struct SourceHealth: Codable, Sendable {
    public var source: String
    public var lastSuccess: String?
    public var lastAttempt: String?
    public var failuresSinceSuccess: Int
    public var emptyRunsSinceListing: Int
    public var problem: String?
}

/// Applies one source's records inside the caller's single transaction.
///
/// Identity is source + external id. A record whose content hash is unchanged only refreshes
/// `lastSeen`; a changed one is updated (and its price history grows when a price changed); a
/// full transfer marks every listing of the source it did not mention as gone.
public final class ImportSession {
    let db: Database
    let source: String
    let today: CalendarDate
    private(set) public var counts = ReconcileCounts()
    private var seen = Set<Int64>()
    private var touched: [Int64] = []
    /// Landlords by trimmed, lower-cased name.
    private var landlordCache: [String: Landlord.ID] = [:]
    /// The same, by the name exactly as the feed wrote it: most feeds name one landlord on every
    /// flat, and this spares trimming and case-folding it 100,000 times.
    private var landlordByFeedName: [String: Landlord.ID] = [:]
    private let todayValue: DatabaseValue
    /// The source had no listing when the session began (its first import): a flat can only be
    /// there already when the feed names it twice.
    private let startedEmpty: Bool
    /// The statements of the per-flat path, kept for the session (looking them up by SQL text hashed
    /// the 600-character INSERT for every flat).
    private var lookupStatement, staleStatement, insertStatement, insertIfAbsentStatement, updateStatement: Statement?
    private var touchStatement, priceStatement: Statement?
    /// Unchanged flats whose `lastSeen` is still to be written.
    private var untouched: [Int64] = []

    init(db: Database, source: String, today: CalendarDate) throws {
        self.db = db
        self.source = source
        self.today = today
        self.todayValue = today.databaseValue
        self.startedEmpty = try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM listing WHERE source = ?)", arguments: [source]) ?? false)
    }

    private func statement(_ slot: inout Statement?, _ sql: String) throws -> Statement {
        if let statement = slot { return statement }
        let statement = try db.cachedStatement(sql: sql)
        slot = statement
        return statement
    }

    // The reconcile path runs once per flat of every feed, so it uses prepared statements with
    // positional values instead of the record encoding (which builds a dictionary and its SQL for
    // every row), and writes the content hash in the same INSERT or UPDATE.
    /// One integer per flat: its id when the content hash is the same and it is not withdrawn, else
    /// minus its id (ids are positive). Hashes are ASCII hex, so byte equality is String equality.
    private static let lookupSQL = """
        SELECT CASE WHEN contentHash IS ? AND status != 'gone' THEN id ELSE -id END
        FROM listing WHERE source = ? AND externalId = ?
        """
    private static let staleSQL = """
        SELECT status, netColdRentCents, operatingCostsCents, heatingCostsCents, firstSeen, landlordId, duplicateOfId
        FROM listing WHERE id = ?
        """
    private static let insertSQL =
        "INSERT INTO listing (\((Listing.databaseColumns + ["contentHash"]).joined(separator: ", "))) VALUES ("
        + Array(repeating: "?", count: Listing.databaseColumns.count + 1).joined(separator: ", ") + ")"
    private static let insertIfAbsentSQL = insertSQL + " ON CONFLICT (source, externalId) DO NOTHING"
    /// Unchanged flats get their `lastSeen` in batches of this many: one statement instead of one per
    /// flat (nothing in the session reads `lastSeen` before `finish`, which writes what is left).
    private static let touchBatch = 64
    private static let touchSQL =
        "UPDATE listing SET lastSeen = ? WHERE id IN (\(Array(repeating: "?", count: touchBatch).joined(separator: ", ")))"
    private static let priceSQL =
        "INSERT INTO listingPrice (listingId, seenOn, netColdRentCents, operatingCostsCents, heatingCostsCents) VALUES (?, ?, ?, ?, ?)"
    private static let updateSQL =
        "UPDATE listing SET \((Listing.databaseColumns + ["contentHash"]).map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// What the database holds for a flat before this run touches it.
    private enum Stored {
        /// Same content hash, and not withdrawn.
        case unchanged(id: Int64)
        case stale(Stale)
    }

    /// A flat whose stored content differs from the feed's, or that was withdrawn.
    private struct Stale {
        var id: Int64
        var status: String
        var netColdRentCents: Int64
        var operatingCostsCents: Int64
        var heatingCostsCents: Int64?
        var firstSeen: CalendarDate?
        var landlordID: Landlord.ID?
        var duplicateOf: Listing.ID?
    }

    private func stored(externalID: String, contentHash: String) throws -> Stored? {
        // A single integer column is read straight from the statement; a row cursor would build a
        // column-name dictionary for every flat. Only a changed flat (a few per daily feed) reads its row.
        guard let signedID = try Int64.fetchOne(statement(&lookupStatement, Self.lookupSQL), arguments: [contentHash, source, externalID])
        else { return nil }
        if signedID > 0 { return .unchanged(id: signedID) }
        let id = -signedID
        guard let row = try Row.fetchOne(statement(&staleStatement, Self.staleSQL), arguments: [id]) else { return nil }
        return .stale(Stale(
            id: id, status: row[0], netColdRentCents: row[1], operatingCostsCents: row[2], heatingCostsCents: row[3],
            firstSeen: row[4], landlordID: row[5], duplicateOf: row[6]))
    }

    /// Positional arguments without `StatementArguments.init(_:)`'s key-path map, which instantiated
    /// generic metadata for every row.
    private static func arguments(_ values: [DatabaseValue]) -> StatementArguments {
        StatementArguments(values.map { $0 as (any DatabaseValueConvertible)? })
    }

    /// Adds or updates one listing (its `source`, `firstSeen`, `lastSeen` and `status` are set here).
    public func upsert(_ incoming: Listing, contentHash: String, landlord: LandlordHint?) throws {
        var listing = incoming
        listing.source = source
        listing.lastSeen = today
        listing.status = .active
        // A first import has nothing to look up: insert, and look up only when that conflicts.
        if startedEmpty, try insert(&listing, contentHash: contentHash, landlord: landlord, ifAbsent: true) { return }
        let found = try stored(externalID: incoming.externalID, contentHash: contentHash)
        if case .unchanged(let id) = found {
            seen.insert(id)
            untouched.append(id)
            if untouched.count == Self.touchBatch { try touch() }
            counts.unchanged += 1
            return
        }
        if case .stale(let existing) = found {
            let id = existing.id
            seen.insert(id)
            listing.id = Listing.ID(id)
            listing.firstSeen = existing.firstSeen ?? today
            listing.duplicateOf = existing.duplicateOf
            let existingStatus = Listing.Status(rawValue: existing.status) ?? .active
            if existingStatus == .reserved || existingStatus == .let { listing.status = existingStatus }
            listing.landlordID = try landlordID(for: landlord) ?? existing.landlordID
            var values = listing.databaseValues
            values.append(contentHash.databaseValue)
            values.append(id.databaseValue)
            try statement(&updateStatement, Self.updateSQL).execute(arguments: Self.arguments(values))
            let priceChanged = existing.netColdRentCents != listing.netColdRent.cents
                || existing.operatingCostsCents != listing.operatingCosts.cents
                || existing.heatingCostsCents != listing.heatingCosts?.cents
            if priceChanged { try insertPrice(listing) }
            counts.changed += 1
            touched.append(id)
        } else {
            _ = try insert(&listing, contentHash: contentHash, landlord: landlord, ifAbsent: false)
        }
    }

    /// Inserts a flat the source did not have, with its first price. With `ifAbsent`, returns false
    /// (and changes nothing but perhaps a new landlord the flat names) when the source has it already.
    private func insert(_ listing: inout Listing, contentHash: String, landlord: LandlordHint?, ifAbsent: Bool) throws -> Bool {
        listing.firstSeen = today
        listing.landlordID = try landlordID(for: landlord)
        var values = listing.databaseValues
        values.append(contentHash.databaseValue)
        let insert = ifAbsent ? try statement(&insertIfAbsentStatement, Self.insertIfAbsentSQL) : try statement(&insertStatement, Self.insertSQL)
        try insert.execute(arguments: Self.arguments(values))
        if ifAbsent && db.changesCount == 0 { return false }
        let id = db.lastInsertedRowID
        listing.id = Listing.ID(id)
        try insertPrice(listing)
        seen.insert(id)
        touched.append(id)
        counts.new += 1
        return true
    }

    /// Writes today as `lastSeen` of the unchanged flats not written yet.
    private func touch() throws {
        guard !untouched.isEmpty else { return }
        var values = [todayValue]
        values.append(contentsOf: untouched.lazy.map { $0.databaseValue })
        if untouched.count == Self.touchBatch {
            try statement(&touchStatement, Self.touchSQL).execute(arguments: Self.arguments(values))
        } else {
            let marks = Array(repeating: "?", count: untouched.count).joined(separator: ", ")
            try db.execute(sql: "UPDATE listing SET lastSeen = ? WHERE id IN (\(marks))", arguments: Self.arguments(values))
        }
        untouched.removeAll(keepingCapacity: true)
    }

    /// Listings of this source that are active or reserved now.
    public func activeCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM listing WHERE source = ? AND status IN ('active', 'reserved')", arguments: [source]) ?? 0
    }

    /// The source withdrew a listing (OpenImmo DELETE).
    public func markGone(externalID: String) throws {
        try db.cachedStatement(sql: "UPDATE listing SET status = 'gone' WHERE source = ? AND externalId = ? AND status != 'gone'")
            .execute(arguments: [source, externalID])
        counts.gone += db.changesCount
        if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM listing WHERE source = ? AND externalId = ?"), arguments: [source, externalID]) {
            seen.insert(id)
        }
    }

    /// Ends the source's import: a full transfer retires what it did not mention; listings touched
    /// in this run are linked to the same flat on another source.
    func finish(fullTransfer: Bool) throws {
        try touch()
        // A source that started empty has no open listing this run did not see: skip the scan.
        if fullTransfer && !startedEmpty {
            let open = try Int64.fetchAll(db, sql: "SELECT id FROM listing WHERE source = ? AND status IN ('active', 'reserved')", arguments: [source])
            for id in open where !seen.contains(id) {
                try db.cachedStatement(sql: "UPDATE listing SET status = 'gone' WHERE id = ?").execute(arguments: [id])
                counts.gone += 1
            }
        }
        let otherSources = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM listing WHERE source != ? AND status = 'active'", arguments: [source]) ?? 0
        if otherSources > 0 {
            for id in touched { try linkDuplicate(id) }
        }
    }

    private func insertPrice(_ listing: Listing) throws {
        try statement(&priceStatement, Self.priceSQL).execute(arguments: [listing.id?.rawValue, todayValue, listing.netColdRent.cents, listing.operatingCosts.cents, listing.heatingCosts?.cents])
    }

    /// Finds or creates the landlord a feed names (by company, else person), case-insensitively.
    private func landlordID(for hint: LandlordHint?) throws -> Landlord.ID? {
        guard let hint, let feedName = hint.company ?? hint.name else { return nil }
        if let cached = landlordByFeedName[feedName] { return cached }
        let name = feedName.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        let key = name.lowercased()
        if let cached = landlordCache[key] {
            landlordByFeedName[feedName] = cached
            return cached
        }
        let found = try Landlord.fetchAll(db, sql: "SELECT * FROM landlord WHERE lower(name) = lower(?)", arguments: [name]).first
        let id: Landlord.ID?
        if let found {
            id = found.id
        } else {
            var landlord = Landlord(name: name, kind: hint.company != nil ? .company : .private,
                contactPerson: hint.company != nil ? hint.name : nil, phone: hint.phone, email: hint.email)
            try landlord.insert(db)
            id = landlord.id
        }
        landlordCache[key] = id
        landlordByFeedName[feedName] = id
        return id
    }

    /// Links a listing to an older listing of another source that is the same flat: same postal
    /// code and rooms, living area within 2 %, Bruttokaltmiete within 5 %, and the same street
    /// (or, without streets, points within 150 m).
    private func linkDuplicate(_ id: Int64) throws {
        guard let me = try Listing.fetchOne(db, key: id), me.status == .active, let postal = me.address.postalCode else { return }
        let candidates = try Listing.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM listing WHERE postalCode = ? AND rooms = ? AND source != ? AND status = 'active' AND duplicateOfId IS NULL AND id < ? ORDER BY id"),
            arguments: [postal.rawValue, me.rooms, me.source, id])
        let match = candidates.first { other in
            abs(other.livingArea - me.livingArea) <= 0.02 * max(other.livingArea, me.livingArea)
                && abs(Double(other.grossColdRent.cents - me.grossColdRent.cents)) <= 0.05 * Double(max(other.grossColdRent.cents, me.grossColdRent.cents))
                && Self.nearAddress(me, other)
        }
        let newValue = match?.id?.rawValue
        if newValue != me.duplicateOf?.rawValue {
            try db.execute(sql: "UPDATE listing SET duplicateOfId = ? WHERE id = ?", arguments: [newValue, id])
            if newValue != nil { counts.duplicates += 1 }
        }
    }

    static func normalisedStreet(_ s: String?) -> String? {
        guard var t = s?.lowercased().folding(options: [.diacriticInsensitive], locale: nil) else { return nil }
        for (long, short) in [("strasse", "str"), ("straße", "str"), ("str.", "str"), ("weg", "wg")] { t = t.replacingOccurrences(of: long, with: short) }
        t = t.filter { $0.isLetter || $0.isNumber }
        return t.isEmpty ? nil : t
    }

    static func nearAddress(_ a: Listing, _ b: Listing) -> Bool {
        if let sa = normalisedStreet(a.address.street), let sb = normalisedStreet(b.address.street) { return sa == sb }
        if let ca = a.coordinate, let cb = b.coordinate { return ca.distanceKilometres(to: cb) <= 0.15 }
        return false
    }
}

extension AppDatabase {
    /// The conditional-GET state of a source.
    public func fetchState(source: String) throws -> SourceFetchState {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT etag, lastModified FROM importSource WHERE name = ?", arguments: [source]) else {
                return SourceFetchState()
            }
            return SourceFetchState(etag: row["etag"], lastModified: row["lastModified"])
        }
    }

    /// Refuses (and audits the attempt) unless `actor` may import listings: a coach or an admin. Asked
    /// before anything is fetched, so that a refused import neither downloads a feed nor records a
    /// failed run.
    public func requireImport(by actor: Actor) throws {
        try read { _ in try require(actor, .housingMarket, action: "import listings") }
    }

    /// Imports one source in ONE transaction: `body` applies records through the session; when it
    /// throws, nothing of this source changes and the error is rethrown. On success the fetch state
    /// and the run are recorded in the same transaction.
    public func importSource<T>(
        _ source: String, today: CalendarDate, fetchState: SourceFetchState?, actor: Actor,
        _ body: (ImportSession) throws -> (result: T, fullTransfer: Bool, run: (ReconcileCounts) -> ImportRunRecord)
    ) throws -> (T, ImportRunRecord) {
        try write { db in
            // Importing changes listings: the coaches' working material, not the job centre's (who may
            // read listings, `.listings`).
            try require(actor, .housingMarket, action: "import listings")
            let session = try ImportSession(db: db, source: source, today: today)
            let (result, full, makeRun) = try body(session)
            try session.finish(fullTransfer: full)
            var run = makeRun(session.counts)
            try insertRun(&run, db)
            try db.execute(sql: """
                INSERT INTO importSource (name, etag, lastModified, lastAttemptAt, lastSuccessAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET etag = excluded.etag, lastModified = excluded.lastModified,
                    lastAttemptAt = excluded.lastAttemptAt, lastSuccessAt = excluded.lastSuccessAt
                """, arguments: [source, fetchState?.etag, fetchState?.lastModified, run.finishedAt, run.finishedAt])
            try Audit.record(db, actor: actor, action: "import", entity: "listing", entityID: nil,
                detail: "source \(source): \(run.counts.new) new, \(run.counts.changed) changed, \(run.counts.gone) gone")
            return (result, run)
        }
    }

    /// Records a run that changed no listings (not modified, or failed).
    public func recordRun(_ run: ImportRunRecord) throws {
        try write { db in
            var run = run
            try insertRun(&run, db)
            let success = run.outcome == .failed ? nil : run.finishedAt
            try db.execute(sql: """
                INSERT INTO importSource (name, lastAttemptAt, lastSuccessAt) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET lastAttemptAt = excluded.lastAttemptAt,
                    lastSuccessAt = coalesce(excluded.lastSuccessAt, importSource.lastSuccessAt)
                """, arguments: [run.source, run.finishedAt, success])
        }
    }

    private func insertRun(_ run: inout ImportRunRecord, _ db: Database) throws {
        let diagnostics = run.diagnostics.prefix(500).joined(separator: "\n")
        try db.execute(sql: """
            INSERT INTO importRun (source, startedAt, finishedAt, outcome, httpStatus, bytes, scope, newCount, changedCount,
                unchangedCount, goneCount, duplicateCount, skippedCount, warningCount, error, diagnostics)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [run.source, run.startedAt, run.finishedAt, run.outcome.rawValue, run.httpStatus, run.bytes, run.scope,
                             run.counts.new, run.counts.changed, run.counts.unchanged, run.counts.gone, run.counts.duplicates,
                             run.skipped, run.warnings, run.error, diagnostics.isEmpty ? nil : diagnostics])
        run.id = db.lastInsertedRowID
    }

    /// Recent runs, newest first.
    public func importRuns(source: String? = nil, limit: Int = 50) throws -> [ImportRunRecord] {
        try read { db in
            var sql = "SELECT * FROM importRun"
            var args: StatementArguments = []
            if let source {
                sql += " WHERE source = ?"
                args = [source]
            }
            sql += " ORDER BY id DESC LIMIT \(max(1, limit))"
            return try Row.fetchAll(db, sql: sql, arguments: args).map { row in
                var counts = ReconcileCounts()
                counts.new = row["newCount"]
                counts.changed = row["changedCount"]
                counts.unchanged = row["unchangedCount"]
                counts.gone = row["goneCount"]
                counts.duplicates = row["duplicateCount"]
                var run = ImportRunRecord(
                    source: row["source"], startedAt: row["startedAt"], finishedAt: row["finishedAt"],
                    outcome: ImportRunRecord.Outcome(rawValue: row["outcome"]) ?? .failed, httpStatus: row["httpStatus"], bytes: row["bytes"],
                    scope: row["scope"], counts: counts, skipped: row["skippedCount"], warnings: row["warningCount"], error: row["error"],
                    diagnostics: (row["diagnostics"] as String?)?.split(separator: "\n").map(String.init) ?? [])
                run.id = row["id"]
                return run
            }
        }
    }

    /// Sources that failed, or brought no listing, on every run of the last `days` days.
    public func importHealth(sources: [String], days: Int, now: Date = Date()) throws -> [SourceHealth] {
        let since = now.addingTimeInterval(-Double(days) * 86_400).formatted(.iso8601)
        return try read { db in
            try sources.map { source in
                let state = try Row.fetchOne(db, sql: "SELECT lastAttemptAt, lastSuccessAt FROM importSource WHERE name = ?", arguments: [source])
                let runs = try Row.fetchAll(db, sql: "SELECT outcome, newCount + changedCount + unchangedCount AS seen, finishedAt FROM importRun WHERE source = ? AND finishedAt >= ? ORDER BY id DESC", arguments: [source, since])
                let failures = runs.prefix { ($0["outcome"] as String) == "failed" }.count
                let empty = runs.prefix { ($0["outcome"] as String) == "imported" && ($0["seen"] as Int) == 0 }.count
                var problem: String?
                if runs.isEmpty {
                    problem = "no run in the last \(days) days: is cron running 'wohnlotse import'?"
                } else if failures == runs.count {
                    problem = "failed on every run in the last \(days) days"
                } else if runs.allSatisfy({ ($0["outcome"] as String) == "imported" && ($0["seen"] as Int) == 0 }) {
                    problem = "brought no listings in the last \(days) days"
                }
                return SourceHealth(source: source, lastSuccess: state?["lastSuccessAt"], lastAttempt: state?["lastAttemptAt"],
                    failuresSinceSuccess: failures, emptyRunsSinceListing: empty, problem: problem)
            }
        }
    }
}
