import Foundation
import GRDB
import HousingDomain

/// A signed-in browser of the web app, as stored: the user and the session's CSRF token.
///
/// The cookie's token itself is never stored, only its SHA-256 (`tokenHash`), so a copy of the
/// database does not let anyone take over a session.
public struct WebSession: Sendable, Hashable {
    public var tokenHash: String
    public var user: User
    /// Sent in a hidden field of every form and compared on every POST.
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    /// The absolute end of the session, however active it is.
    public var expiresAt: Date
}

/// What a sign-in checks: the user and their bcrypt hash.
public struct LoginRecord: Sendable {
    public var user: User
    /// Nil when no password was set (`wohnlotse user passwd`): the user cannot sign in on the web.
    public var passwordHash: String?
}

/// A user's web sign-in state, for the admin's user list.
public struct WebAccountState: Sendable, Hashable {
    public var hasPassword: Bool
    public var openSessions: Int
}

extension AppDatabase {
    /// Refuses unless `actor` may set `name`'s password: an admin for anyone, a user for themself.
    /// Lets `wohnlotse user passwd` refuse before it asks for a password.
    public func requirePasswordChange(forUser name: String, by actor: Actor) throws {
        try read { db in try checkPasswordChange(name, actor, db) }
    }

    private func checkPasswordChange(_ name: String, _ actor: Actor, _ db: Database) throws {
        let id = try userID(named: name, db)
        if id != actor.userID { try require(actor, .manageUsers, action: "set another user's password") }
    }

    /// Stores a user's new bcrypt hash and signs out all their browsers; audited without the hash.
    public func setPasswordHash(_ hash: String, forUser name: String, by actor: Actor) throws {
        try write { db in
            try checkPasswordChange(name, actor, db)
            let id = try userID(named: name, db)
            try db.execute(sql: "UPDATE user SET passwordHash = ? WHERE id = ?", arguments: [hash, id])
            try db.execute(sql: "DELETE FROM webSession WHERE userId = ?", arguments: [id])
            let ended = db.changesCount
            try Audit.record(db, actor: actor, action: "password", entity: "user", entityID: id.rawValue,
                detail: "password set; \(ended) web sessions ended")
        }
    }

    /// The user a sign-in names, with their hash; nil for an unknown or deactivated user.
    /// Nobody is signed in yet, so there is no actor; the caller audits a successful sign-in.
    public func loginRecord(name: String) throws -> LoginRecord? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM user WHERE name = ? AND active", arguments: [name]) else { return nil }
            return LoginRecord(user: try User(row: row), passwordHash: row["passwordHash"])
        }
    }

    /// Opens a web session for a user who just proved their password, ends expired sessions, and
    /// audits the sign-in.
    public func startWebSession(tokenHash: String, csrfToken: String, user: User, now: Date, expiresAt: Date, command: String) throws {
        guard let userID = user.id else { throw StoreError.refused("user without id") }
        try write { db in
            let seconds = Int64(now.timeIntervalSince1970)
            try db.execute(sql: "DELETE FROM webSession WHERE expiresAt <= ?", arguments: [seconds])
            try db.execute(
                sql: "INSERT INTO webSession (tokenHash, userId, csrfToken, createdAt, lastSeenAt, expiresAt) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [tokenHash, userID, csrfToken, seconds, seconds, Int64(expiresAt.timeIntervalSince1970)])
            let actor = Actor(userID: userID, name: user.name, role: user.role, command: command)
            try Audit.record(db, actor: actor, action: "login", entity: "user", entityID: userID.rawValue, detail: "web sign-in")
        }
    }

    /// The live session with this token hash, its last-seen time moved to `now`; nil when there is
    /// none, it has passed its absolute end or been idle longer than `idleTimeout`, or its user was
    /// deactivated (such a session is deleted).
    public func webSession(tokenHash: String, now: Date, idleTimeout: TimeInterval) throws -> WebSession? {
        try write { db in
            let seconds = Int64(now.timeIntervalSince1970)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webSession WHERE tokenHash = ?", arguments: [tokenHash]) else { return nil }
            let lastSeen: Int64 = row["lastSeenAt"]
            let expires: Int64 = row["expiresAt"]
            let user = try User.fetchOne(db, key: row["userId"] as Int64)
            guard let user, user.active, expires > seconds, seconds - lastSeen < Int64(idleTimeout) else {
                try db.execute(sql: "DELETE FROM webSession WHERE tokenHash = ?", arguments: [tokenHash])
                return nil
            }
            try db.execute(sql: "UPDATE webSession SET lastSeenAt = ? WHERE tokenHash = ?", arguments: [seconds, tokenHash])
            return WebSession(
                tokenHash: tokenHash, user: user, csrfToken: row["csrfToken"], createdAt: Date(timeIntervalSince1970: Double(row["createdAt"] as Int64)),
                lastSeenAt: now, expiresAt: Date(timeIntervalSince1970: Double(expires)))
        }
    }

    /// Signs a browser out: deletes its session row and audits it.
    public func endWebSession(tokenHash: String, by actor: Actor) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM webSession WHERE tokenHash = ?", arguments: [tokenHash])
            try Audit.record(db, actor: actor, action: "logout", entity: "user", entityID: actor.userID.rawValue, detail: "web sign-out")
        }
    }

    /// Counts the failed sign-ins for a name and an address since `since` and, unless either has
    /// reached `limit`, records this attempt as a failure — in one write transaction, so parallel
    /// attempts cannot all pass the count before any is recorded. Returns the attempt's row id (to
    /// forget it when the password turns out right) or, when blocked, the failure times that block.
    public func reserveLoginAttempt(nameKey: String, addressKey: String, since: Date, limit: Int, at now: Date) throws
        -> (attempt: Int64?, blocking: [[Date]])
    {
        try write { db in
            let seconds = Int64(now.timeIntervalSince1970)
            let from = Int64(since.timeIntervalSince1970)
            func times(_ column: String, _ key: String) throws -> [Date] {
                try Int64.fetchAll(db, sql: "SELECT at FROM loginFailure WHERE \(column) = ? AND at >= ? ORDER BY at", arguments: [key, from])
                    .map { Date(timeIntervalSince1970: Double($0)) }
            }
            let blocking = [try times("nameKey", nameKey), try times("addressKey", addressKey)].filter { $0.count >= limit }
            guard blocking.isEmpty else { return (nil, blocking) }
            try db.execute(sql: "DELETE FROM loginFailure WHERE at < ?", arguments: [seconds - 86_400])
            try db.execute(sql: "INSERT INTO loginFailure (nameKey, addressKey, at) VALUES (?, ?, ?)", arguments: [nameKey, addressKey, seconds])
            return (db.lastInsertedRowID, [])
        }
    }

    /// Forgets a name's failed sign-ins after it signed in successfully, and the attempt reserved for
    /// this sign-in (the address keeps its other failures).
    public func clearLoginFailures(nameKey: String, attempt: Int64? = nil) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM loginFailure WHERE nameKey = ?", arguments: [nameKey])
            if let attempt { try db.execute(sql: "DELETE FROM loginFailure WHERE id = ?", arguments: [attempt]) }
        }
    }

    /// Per user: whether a password is set and how many web sessions are open (admins only).
    public func webAccountStates(now: Date, by actor: Actor) throws -> [User.ID: WebAccountState] {
        try read { db in
            try require(actor, .manageUsers, action: "see users' sign-in state")
            let rows = try Row.fetchAll(db, sql: """
                SELECT u.id, u.passwordHash IS NOT NULL AS hasPassword,
                    (SELECT COUNT(*) FROM webSession s WHERE s.userId = u.id AND s.expiresAt > ?) AS sessions
                FROM user u
                """, arguments: [Int64(now.timeIntervalSince1970)])
            return Dictionary(uniqueKeysWithValues: rows.map { row in
                (User.ID(row["id"] as Int64), WebAccountState(hasPassword: row["hasPassword"], openSessions: row["sessions"]))
            })
        }
    }
}
