import Crypto
import Foundation
import GRDB

/// The audit log as a hash chain: each row carries the hash of the row before it (`prevHash`) and its
/// own `hash` = SHA-256 over `prevHash` and the row's canonical content. A row changed after it was
/// written no longer matches its hash; a row deleted from the middle breaks the next row's link; rows
/// deleted from the end leave SQLite's AUTOINCREMENT counter ahead of the last id.
///
/// Rows written before the chain existed (schema `v1`/`v2`) are chained by the `v4-privacy` migration,
/// in id order, when the database is upgraded: the chain proves that no row changed *after the
/// upgrade*; it cannot vouch for what happened to older rows before it.
///
/// Triggers refuse UPDATE and DELETE on `auditLog` and any INSERT without a hash, so the product cannot
/// edit the log and nothing can append an unchained row; the chain catches changes made with the
/// triggers dropped, i.e. outside the product.
enum AuditChain {
    /// The `prevHash` of the first row.
    static let genesis = String(repeating: "0", count: 64)

    /// The content of one audit row as it is hashed.
    struct Content {
        var id: Int64
        var at: String
        var actor: String
        var action: String
        var entity: String
        var entityID: Int64?
        var householdID: Int64?
        var detail: String?

        init(id: Int64, at: String, actor: String, action: String, entity: String, entityID: Int64?, householdID: Int64?, detail: String?) {
            self.id = id
            self.at = at
            self.actor = actor
            self.action = action
            self.entity = entity
            self.entityID = entityID
            self.householdID = householdID
            self.detail = detail
        }

        init(row: Row) {
            self.init(
                id: row["id"], at: row["at"] ?? "", actor: row["actor"] ?? "", action: row["action"] ?? "",
                entity: row["entity"] ?? "", entityID: row["entityId"], householdID: row["householdId"], detail: row["detail"])
        }
    }

    /// The hash of a row: SHA-256, lowercase hex, over `prevHash`, a newline and the canonical form
    /// (version 1, never to be changed: a new form would need a new version and migration).
    ///
    /// The canonical form lists id, at, actor, action, entity, entityId, householdId and detail, each
    /// as `<UTF-8 length>:<text>` or `-` for NULL, separated by `|`; the lengths make it unambiguous.
    static func hash(_ content: Content, prevHash: String) -> String {
        func field(_ text: String?) -> String {
            guard let text else { return "-" }
            return "\(text.utf8.count):\(text)"
        }
        let canonical = [
            field(String(content.id)), field(content.at), field(content.actor), field(content.action), field(content.entity),
            field(content.entityID.map { String($0) }), field(content.householdID.map { String($0) }), field(content.detail),
        ].joined(separator: "|")
        let digest = SHA256.hash(data: Data((prevHash + "\n" + canonical).utf8))
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends one chained row inside the caller's transaction (GRDB writes are IMMEDIATE
    /// transactions, so no other writer can slip a row in between reading the head and inserting).
    static func append(
        _ db: Database, at: String, actor: String, action: String, entity: String, entityID: Int64?, householdID: Int64?,
        detail: String?
    ) throws {
        try append(db, [Content(id: 0, at: at, actor: actor, action: action, entity: entity, entityID: entityID, householdID: householdID, detail: detail)])
    }

    /// Appends rows in order (their `id`s are assigned here), reading the head of the chain once: a
    /// matching run reads tens of thousands of households and audits each read.
    static func append(_ db: Database, _ rows: [Content]) throws {
        guard !rows.isEmpty else { return }
        let head = try Row.fetchOne(db, sql: "SELECT id, hash FROM auditLog ORDER BY id DESC LIMIT 1")
        var prevHash: String = head?["hash"] ?? genesis
        // One more than any id SQLite ever handed out for the table, so a deleted tail stays visible.
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'auditLog'") ?? 0
        var id = max(issued, head?["id"] ?? 0)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO auditLog (id, at, actor, action, entity, entityId, householdId, detail, prevHash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for var row in rows {
            id += 1
            row.id = id
            let hash = hash(row, prevHash: prevHash)
            try insert.execute(arguments: [id, row.at, row.actor, row.action, row.entity, row.entityID, row.householdID, row.detail, prevHash, hash])
            prevHash = hash
        }
    }

    /// Chains every row that has no hash yet, in id order (the `v4-privacy` migration, on rows written
    /// before the chain existed). Runs with the update trigger dropped by the caller.
    @discardableResult
    static func backfill(_ db: Database) throws -> Int {
        var prevHash = genesis
        var count = 0
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM auditLog ORDER BY id")
        for row in rows {
            if let existing: String = row["hash"] {
                prevHash = existing
                continue
            }
            let content = Content(row: row)
            let hash = hash(content, prevHash: prevHash)
            try db.execute(sql: "UPDATE auditLog SET prevHash = ?, hash = ? WHERE id = ?", arguments: [prevHash, hash, content.id])
            prevHash = hash
            count += 1
        }
        return count
    }

    /// Walks the chain from the first row and reports the first row that does not match.
    static func verify(_ db: Database) throws -> AuditVerification {
        var prevHash = genesis
        var previousID: Int64?
        var count = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM auditLog ORDER BY id")
        while let row = try cursor.next() {
            let content = Content(row: row)
            let storedPrev: String? = row["prevHash"]
            let storedHash: String? = row["hash"]
            guard let storedHash, let storedPrev else {
                return AuditVerification(rows: count, headID: previousID, headHash: prevHash,
                    problem: .init(rowID: content.id, reason: "has no hash: it was written around the product (the chain was bypassed)"))
            }
            if storedPrev != prevHash {
                let before = previousID.map { "row \($0)" } ?? "the start of the log"
                return AuditVerification(rows: count, headID: previousID, headHash: prevHash,
                    problem: .init(rowID: content.id,
                        reason: "does not follow \(before): a row between them was deleted, or \(before) was changed"))
            }
            if hash(content, prevHash: storedPrev) != storedHash {
                return AuditVerification(rows: count, headID: previousID, headHash: prevHash,
                    problem: .init(rowID: content.id, reason: "does not match its hash: its content was changed after it was written"))
            }
            prevHash = storedHash
            previousID = content.id
            count += 1
        }
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'auditLog'") ?? 0
        if issued > (previousID ?? 0) {
            return AuditVerification(rows: count, headID: previousID, headHash: prevHash,
                problem: .init(rowID: issued,
                    reason: "is missing: ids up to \(issued) were written but the log ends at \(previousID.map(String.init) ?? "nothing"), so rows at the end were deleted"))
        }
        return AuditVerification(rows: count, headID: previousID, headHash: prevHash, problem: nil)
    }
}

/// What `wohnlotse audit verify` found.
public struct AuditVerification: Codable, Sendable, Equatable {
    /// The first row that does not match, and why.
    public struct Problem: Codable, Sendable, Equatable {
        public var rowID: Int64
        public var reason: String
    }
    /// Rows checked and found intact (before the first problem, if any).
    public var rows: Int
    /// The last intact row and its hash: write it down (e.g. in the backup log) to detect a log
    /// rewritten from that point on.
    public var headID: Int64?
    public var headHash: String
    public var problem: Problem?

    public var isIntact: Bool { problem == nil }
}

extension AppDatabase {
    /// Walks the audit chain (admins only). The check itself is recorded as an audit row.
    public func verifyAuditLog(by actor: Actor) throws -> AuditVerification {
        try write { db in
            try require(actor, .audit, action: "verify the audit log")
            let result = try AuditChain.verify(db)
            try Audit.record(db, actor: actor, action: "verify", entity: "auditLog", entityID: nil,
                detail: result.isIntact ? "\(result.rows) rows intact" : "broken at row \(result.problem?.rowID ?? 0)")
            return result
        }
    }
}
