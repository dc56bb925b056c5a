import Foundation
import GRDB
import HousingDomain

/// The one owner of Wohnlotse's database.
///
/// Every public write is one transaction that keeps the invariants and appends an audit row; every
/// read of a household's personal data is audited too. Each call names an `Actor`, and
/// `AccessPolicy` decides in one place what that actor may do.
public struct AppDatabase: Sendable {
    private let dbWriter: any DatabaseWriter
    /// Where the file is, for messages (`:memory:` for tests).
    public let path: String

    /// Opens (and migrates) the database file at `path`.
    ///
    /// - Parameter create: make the file when it does not exist (only `init` and `demo` do);
    ///   otherwise a missing file is an error, so a typo in `--db` never starts an empty database.
    public static func open(path: String, create: Bool = false) throws -> AppDatabase {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            throw StoreError.notADatabase(path: path, detail: "it is a directory")
        }
        if !exists && !create { throw StoreError.databaseMissing(path: path) }
        if exists && !fm.isWritableFile(atPath: path) { throw StoreError.readOnly(path: path) }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Fail fast on a file that is not SQLite before WAL is switched on.
            try db.execute(sql: "PRAGMA schema_version")
            // In WAL mode NORMAL never corrupts the file; a power cut can lose at most the last commit.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError.wrap(error, path: path)
        }
        if !exists {
            // Personal data: readable by the owner only.
            try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        return try AppDatabase(pool, path: path)
    }

    /// An empty in-memory database, for tests.
    public static func empty() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue(configuration: Configuration()), path: ":memory:")
    }

    /// Wraps an open connection and brings its schema up to date, refusing a newer schema.
    public init(_ dbWriter: any DatabaseWriter, path: String) throws {
        self.dbWriter = dbWriter
        self.path = path
        let migrator = Schema.migrator
        do {
            let (superseded, applied) = try dbWriter.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db))
            }
            if superseded {
                let unknown = applied.subtracting(migrator.migrations).sorted()
                throw StoreError.newerSchema(path: path, unknownMigrations: unknown)
            }
            try migrator.migrate(dbWriter)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// The migrations this version knows, in order (for `wohnlotse about` and upgrade checks).
    public static var knownMigrations: [String] { Schema.migrator.migrations }

    /// The migrations applied to this file.
    public func appliedMigrations() throws -> [String] {
        try dbWriter.read { try Schema.migrator.appliedMigrations($0) }
    }

    // MARK: - Running work

    /// Runs `body` in one write transaction; SQLite errors become `StoreError`s. A refusal
    /// (`StoreError.forbidden`) rolls the transaction back and is then audited on its own.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try dbWriter.write(body)
        } catch {
            auditRefusal(error)
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Runs `body` on a reader; a refusal is audited.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try dbWriter.read(body)
        } catch {
            auditRefusal(error)
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Records a refused attempt in the audit log, in a transaction of its own (the refused one was
    /// rolled back): who tried what, from which command or page, and on which household if one, so
    /// that an admin sees attempts to reach cases outside one's role. Nothing else changes. A
    /// refusal that cannot be recorded (a read-only file) is still reported to the user as such.
    private func auditRefusal(_ error: any Error) {
        guard case let StoreError.forbidden(action, needs, actor, _, household, command) = error else { return }
        let detail = [command.isEmpty ? nil : "command: \(command)", "refused: \(action) (needs \(needs))"].compactMap { $0 }.joined(separator: "; ")
        _ = try? dbWriter.write { db in
            try AuditChain.append(db, [
                AuditChain.Content(
                    id: 0, at: Date().formatted(.iso8601), actor: actor, action: "refused", entity: "access", entityID: nil, householdID: household,
                    detail: detail)
            ])
        }
    }

    /// Raw access for the importer and tools inside this package family. Callers own the invariants.
    public var writer: any DatabaseWriter { dbWriter }
}

// MARK: - Audit

/// One row of the audit log.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var id: Int64
    /// ISO 8601 instant, UTC.
    public var at: String
    public var actor: String
    /// `create`, `update`, `read`, `list`, `stage`, …
    public var action: String
    public var entity: String
    public var entityID: Int64?
    public var householdID: Int64?
    /// The command and what changed: field names, never personal values.
    public var detail: String?
}

extension AuditEntry: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            id: row["id"], at: row["at"], actor: row["actor"], action: row["action"], entity: row["entity"],
            entityID: row["entityId"], householdID: row["householdId"], detail: row["detail"])
    }
}

enum Audit {
    /// Appends an audit row inside the caller's transaction, chained to the row before it
    /// (see `AuditChain`).
    ///
    /// `detail` names the command and what changed: field names and counts, never personal values —
    /// no names, notes or reference codes. Audit rows outlive an erasure (`privacy erase`) and cannot
    /// be edited, so anything personal written here could never be removed.
    static func record(
        _ db: Database, actor: Actor, action: String, entity: String, entityID: Int64?, householdID: Household.ID? = nil,
        detail: String? = nil
    ) throws {
        try record(db, actor: actor, action: action, entity: entity, each: [(entityID, householdID)], detail: detail)
    }

    /// One row per entity, in order, all with the same action and detail; the chain's head is read once.
    static func record(
        _ db: Database, actor: Actor, action: String, entity: String, each entities: [(id: Int64?, household: Household.ID?)],
        detail: String? = nil
    ) throws {
        let at = Date().formatted(.iso8601)
        let fullDetail = [actor.command.isEmpty ? nil : "command: \(actor.command)", detail].compactMap { $0 }.joined(separator: "; ")
        try AuditChain.append(db, entities.map {
            AuditChain.Content(
                id: 0, at: at, actor: actor.name, action: action, entity: entity, entityID: $0.id, householdID: $0.household?.rawValue,
                detail: fullDetail.isEmpty ? nil : fullDetail)
        })
    }

    /// Names of the fields that differ between two encodable values (never their values).
    static func changedFields<T: Encodable>(_ old: T, _ new: T) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let a = try? encoder.encode(old), let b = try? encoder.encode(new),
            let da = try? JSONSerialization.jsonObject(with: a) as? [String: Any],
            let dbb = try? JSONSerialization.jsonObject(with: b) as? [String: Any]
        else { return [] }
        let keys = Set(da.keys).union(dbb.keys)
        return keys.filter { key in
            let x = da[key].map { "\($0)" }
            let y = dbb[key].map { "\($0)" }
            return x != y
        }.sorted()
    }
}

extension AppDatabase {
    /// The first admin's name in the database at `path`, read without changing the file; nil when
    /// the file is not a Wohnlotse database. Used to recognise a demo database before replacing it.
    public static func firstAdmin(atPath path: String) -> String? {
        var config = Configuration()
        config.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: config) else { return nil }
        return try? queue.read { db in
            try String.fetchOne(db, sql: "SELECT name FROM user WHERE role = 'admin' ORDER BY id LIMIT 1")
        }
    }
}
