import Foundation
import GRDB
import HousingDomain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `wohnlotse backup` wrote.
public struct BackupReport: Codable, Sendable {
    public var path: String
    public var bytes: Int
    public var migrations: [String]
    public var auditRows: Int
    /// The last audit row's id and hash in the copy: note them to detect a later rewrite of the log.
    public var auditHeadID: Int64?
    public var auditHeadHash: String
    public var auditIntact: Bool
}

/// What the checks before a restore found in a backup.
public struct BackupCheck: Codable, Sendable {
    public var path: String
    public var migrations: [String]
    public var users: Int
    public var households: Int
    public var auditRows: Int
    /// Whether the audit chain was checked (backups from before `v4-privacy` have none).
    public var auditChainChecked: Bool
}

/// What `wohnlotse restore` did.
public struct RestoreReport: Codable, Sendable {
    public var check: BackupCheck
    public var database: String
    /// Where the replaced file was kept; nil when there was no database before.
    public var keptPreviousAt: String?
    /// Migrations this binary applied to the restored file (an older backup is brought up to date).
    public var migrated: [String]
}

/// The database file on disk: its permissions.
public enum DatabaseFile {
    /// A warning when the file can be read or written by its group or others, naming the fix.
    public static func exposureWarning(path: String) -> String? {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
            mode & 0o077 != 0
        else { return nil }
        let who = [mode & 0o070 != 0 ? "its group" : nil, mode & 0o007 != 0 ? "all users" : nil].compactMap { $0 }.joined(separator: " and ")
        let quoted = path.contains(where: { $0 == " " || $0 == "'" }) ? "'\(path.replacingOccurrences(of: "'", with: "'\\''"))'" : path
        return "warning: the database \(path) is open to \(who) (mode \(String(mode & 0o777, radix: 8))) but holds personal data; "
            + "run 'chmod 600 \(quoted)' so only its owner can read it"
    }
}

extension AppDatabase {
    /// Copies the database to `path` with SQLite's online backup API (admins only): the copy is one
    /// consistent snapshot even while others write, is written beside the target and renamed into
    /// place when complete, has mode 600, no WAL, and has passed `integrity_check`.
    public func backup(to path: String, by actor: Actor) throws -> BackupReport {
        try require(actor, .operations, action: "back up the database")
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { throw OperationsError.targetExists(path: path) }
        let partial = path + ".partial"
        if fm.fileExists(atPath: partial) { try? fm.removeItem(atPath: partial) }
        guard fm.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw OperationsError.cannotWrite(path: path, detail: "cannot create \(partial)")
        }
        var report: BackupReport
        do {
            let destination = try DatabaseQueue(path: partial)
            try writer.backup(to: destination)
            // A self-contained single file: no -wal beside it, readable from a read-only medium.
            try destination.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            report = try destination.read { db in
                let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard check == ["ok"] else {
                    throw OperationsError.cannotWrite(path: path, detail: "the copy failed its integrity check: \(check.prefix(3).joined(separator: "; "))")
                }
                let chain = try AuditChain.verify(db)
                return BackupReport(
                    path: path, bytes: 0, migrations: try Schema.migrator.appliedMigrations(db),
                    auditRows: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM auditLog") ?? 0,
                    auditHeadID: chain.headID, auditHeadHash: chain.headHash, auditIntact: chain.isIntact)
            }
            try destination.close()
            try Self.synchronize(partial)
            guard rename(partial, path) == 0 else {
                throw OperationsError.cannotWrite(path: path, detail: String(cString: strerror(errno)))
            }
            report.bytes = ((try? fm.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        } catch let error as OperationsError {
            try? fm.removeItem(atPath: partial)
            throw error
        } catch {
            try? fm.removeItem(atPath: partial)
            throw OperationsError.cannotWrite(path: path, detail: "\(error)")
        }
        try write { db in
            try Audit.record(db, actor: actor, action: "backup", entity: "database", entityID: nil, detail: "to \(path)")
        }
        return report
    }

    /// Checks a backup without changing it: SQLite can read it, `integrity_check` passes, it is a
    /// Wohnlotse database, its schema is not newer than this binary, and its audit chain verifies.
    public static func checkBackup(at path: String) throws -> BackupCheck {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { throw OperationsError.backupMissing(path: path) }
        guard !isDirectory.boolValue else { throw OperationsError.notWohnlotse(path: path, detail: "it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw OperationsError.backupDamaged(path: path, detail: "cannot read it: check its permissions")
        }
        let header = handle.readData(ofLength: 16)
        try? handle.close()
        guard header == Data("SQLite format 3\u{0}".utf8) else {
            throw OperationsError.notWohnlotse(path: path, detail: "it is not an SQLite database")
        }
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard integrity == ["ok"] else {
                    throw OperationsError.backupDamaged(path: path, detail: "integrity check: \(integrity.prefix(3).joined(separator: "; "))")
                }
                for table in ["grdb_migrations", "user", "household", "auditLog"] where try !db.tableExists(table) {
                    throw OperationsError.notWohnlotse(path: path, detail: "it has no \(table) table")
                }
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                guard applied.contains("v1-case-management") else {
                    throw OperationsError.notWohnlotse(path: path, detail: "its schema history does not start with v1-case-management")
                }
                let unknown = Set(applied).subtracting(Schema.migrator.migrations).sorted()
                guard unknown.isEmpty else { throw OperationsError.backupTooNew(path: path, unknownMigrations: unknown) }
                let chained = try db.columns(in: "auditLog").contains { $0.name == "hash" }
                if chained {
                    let chain = try AuditChain.verify(db)
                    if let problem = chain.problem {
                        throw OperationsError.backupAuditBroken(path: path, rowID: problem.rowID, reason: problem.reason)
                    }
                }
                return BackupCheck(
                    path: path, migrations: Schema.migrator.migrations.filter(applied.contains),
                    users: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") ?? 0,
                    households: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM household") ?? 0,
                    auditRows: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM auditLog") ?? 0,
                    auditChainChecked: chained)
            }
        } catch let error as OperationsError {
            throw error
        } catch let error as DatabaseError {
            throw OperationsError.backupDamaged(path: path, detail: error.message ?? "\(error.resultCode)")
        }
    }

    /// Replaces the database at `livePath` with the backup at `backupPath`, after `checkBackup`.
    ///
    /// Who restores is resolved from the *backup's* users (an active admin there), so a restore works
    /// when the live file is damaged or missing. The live file is kept as `<db>.before-restore` (with
    /// its WAL as `<db>.before-restore-wal`); the backup is copied to a temporary file beside it and
    /// renamed over it, so the database path never points at a half-copied file. The restored file is
    /// then opened (bringing an older backup's schema up to date) and the restore is audited in it.
    /// Other programs should not use the database during a restore (stop cron jobs first).
    public static func restore(from backupPath: String, to livePath: String, actorName: String?) throws -> RestoreReport {
        let check = try checkBackup(at: backupPath)
        try requireRestoringAdmin(actorName, in: backupPath)
        let fm = FileManager.default
        let kept = livePath + ".before-restore"
        if fm.fileExists(atPath: kept) { throw OperationsError.previousRestoreKept(path: kept) }

        let live = URL(fileURLWithPath: livePath)
        let temp = live.deletingLastPathComponent().appendingPathComponent(".\(live.lastPathComponent).restoring-\(UUID().uuidString)").path
        do {
            try fm.copyItem(atPath: backupPath, toPath: temp)
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temp)
            try synchronize(temp)
        } catch {
            try? fm.removeItem(atPath: temp)
            throw OperationsError.restoreFailed(detail: "cannot copy the backup beside \(livePath) (\(error)); nothing was changed")
        }

        let liveExists = fm.fileExists(atPath: livePath)
        var movedWAL = false
        if liveExists {
            checkpointIfPossible(livePath)
            do {
                try fm.linkItem(atPath: livePath, toPath: kept)
            } catch {
                do { try fm.copyItem(atPath: livePath, toPath: kept) } catch {
                    try? fm.removeItem(atPath: temp)
                    throw OperationsError.restoreFailed(detail: "cannot keep the current file as \(kept) (\(error)); nothing was changed")
                }
            }
            // The old WAL belongs to the old file: SQLite would replay it onto the restored one.
            if fm.fileExists(atPath: livePath + "-wal") {
                do {
                    try fm.moveItem(atPath: livePath + "-wal", toPath: kept + "-wal")
                    movedWAL = true
                } catch {
                    try? fm.removeItem(atPath: kept)
                    try? fm.removeItem(atPath: temp)
                    throw OperationsError.restoreFailed(detail: "cannot move \(livePath)-wal aside (\(error)); nothing was changed")
                }
            }
            try? fm.removeItem(atPath: livePath + "-shm")
        }
        guard rename(temp, livePath) == 0 else {
            let reason = String(cString: strerror(errno))
            if movedWAL { try? fm.moveItem(atPath: kept + "-wal", toPath: livePath + "-wal") }
            if liveExists { try? fm.removeItem(atPath: kept) }
            try? fm.removeItem(atPath: temp)
            throw OperationsError.restoreFailed(detail: "cannot put the backup in place of \(livePath) (\(reason)); nothing was changed")
        }

        let before = check.migrations
        let database = try AppDatabase.open(path: livePath)
        let actor = try database.actor(named: actorName, command: "restore")
        try database.write { db in
            try Audit.record(db, actor: actor, action: "restore", entity: "database", entityID: nil, detail: "from \(backupPath)")
        }
        let after = try database.appliedMigrations()
        return RestoreReport(
            check: check, database: livePath, keptPreviousAt: liveExists ? kept : nil, migrated: after.filter { !before.contains($0) })
    }

    /// The restoring user must be an active admin among the backup's users.
    private static func requireRestoringAdmin(_ name: String?, in backupPath: String) throws {
        guard let name, !name.isEmpty else { throw StoreError.noActor }
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: backupPath, configuration: config)
        defer { try? queue.close() }
        let user = try queue.read { db in try User.filter(Column("name") == name).fetchOne(db) }
        guard let user else { throw StoreError.unknownUser(name: name) }
        guard user.active else { throw StoreError.inactiveUser(name: name) }
        guard user.role == .admin else {
            throw StoreError.forbidden(action: "restore a backup", needs: "an admin among the backup's users", actor: name, role: user.role)
        }
    }

    /// Moves the live file's WAL into it when SQLite can still open it; a damaged file is left as it is.
    private static func checkpointIfPossible(_ path: String) {
        guard let queue = try? DatabaseQueue(path: path) else { return }
        _ = try? queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try? queue.close()
    }

    /// Flushes a file to disk before it is renamed into place.
    static func synchronize(_ path: String) throws {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { return }
        defer { try? handle.close() }
        try handle.synchronize()
    }
}
