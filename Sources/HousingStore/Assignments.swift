import Foundation
import GRDB
import HousingDomain

/// A case's coaches: the one in charge and those an admin shared it with.
public struct CaseTeam: Codable, Sendable, Equatable {
    public var householdID: Household.ID
    public var coach: String?
    public var sharedWith: [String]
}

extension DerivableRequest<Household> {
    /// Cases a coach works on: those in their charge and those shared with them.
    func visible(toCoach coach: User.ID) -> Self {
        filter(sql: "coachId = ? OR id IN (SELECT householdId FROM householdCoach WHERE coachId = ?)", arguments: [coach, coach])
    }
}

extension AppDatabase {
    /// What `AccessPolicy` needs to know about one household: its coaches and whether a suggestion
    /// for it awaits the job centre. The one place that gathers it, so every check sees shared cases.
    func caseAccess(_ household: Household, _ db: Database) throws -> CaseAccess {
        guard let id = household.id else { return CaseAccess(coachID: household.coachID) }
        let shared = try User.ID.fetchSet(db, sql: "SELECT coachId FROM householdCoach WHERE householdId = ?", arguments: [id])
        return CaseAccess(coachID: household.coachID, sharedWith: shared, inReview: try isInReview(id, db))
    }

    /// Whether a suggestion for the household is before the job centre: submitted for its cost
    /// decision, or decided by it (the review queue shows those too).
    /// `SuggestionState.seenByJobcentre` as an SQL list of literals (fixed names, no user input).
    private static let seenByJobcentre = SuggestionState.seenByJobcentre.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")

    func isInReview(_ household: Household.ID, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM suggestion WHERE householdId = ? AND state IN (\(Self.seenByJobcentre)))",
            arguments: [household]) ?? false
    }

    /// Refuses unless `actor` may do `permission` on `household`, counting shared coaches.
    func require(_ actor: Actor, _ permission: Permission, action: String, for household: Household, _ db: Database) throws {
        guard AccessPolicy.allows(actor, permission, case: try caseAccess(household, db)) else {
            throw StoreError.forbidden(
                action: action, needs: AccessPolicy.needs(permission), actor: actor.name, role: actor.role, household: household.id?.rawValue,
                command: actor.command)
        }
    }

    /// Loads a household for a cost decision, or refuses. The caller (the job-centre review) may then
    /// show only what `Permission.costDecision` lists.
    func requireCostDecision(_ key: String, by actor: Actor, _ db: Database) throws -> Household {
        let household = try household(key, db)
        try require(actor, .costDecision(household.id ?? 0), action: "see the cost decision for this household", for: household, db)
        return household
    }

    /// Shares a case with a further coach (admins only); the coach then reads and writes it like
    /// their own.
    public func shareHousehold(_ key: String, withCoach coachName: String, today: CalendarDate, by actor: Actor) throws -> CaseTeam {
        try write { db in
            try require(actor, .assignCoach, action: "share cases with coaches")
            let household = try household(key, db)
            guard let id = household.id else { throw StoreError.refused("household without id") }
            let coachID = try activeCoachID(named: coachName, db)
            guard household.coachID != coachID else {
                throw StoreError.refused("'\(coachName)' is already the coach in charge of this case")
            }
            try db.execute(
                sql: "INSERT OR IGNORE INTO householdCoach (householdId, coachId, sharedOn, sharedBy) VALUES (?, ?, ?, ?)",
                arguments: [id, coachID, today, actor.name])
            try Audit.record(db, actor: actor, action: "share", entity: "household", entityID: id.rawValue, householdID: id,
                detail: "with user \(coachID)")
            return try team(of: household, db)
        }
    }

    /// Takes a shared case back from a coach (admins only).
    public func unshareHousehold(_ key: String, fromCoach coachName: String, by actor: Actor) throws -> CaseTeam {
        try write { db in
            try require(actor, .assignCoach, action: "share cases with coaches")
            let household = try household(key, db)
            guard let id = household.id else { throw StoreError.refused("household without id") }
            let coachID = try userID(named: coachName, db)
            try db.execute(sql: "DELETE FROM householdCoach WHERE householdId = ? AND coachId = ?", arguments: [id, coachID])
            guard db.changesCount > 0 else {
                throw StoreError.refused("the case is not shared with '\(coachName)'")
            }
            try Audit.record(db, actor: actor, action: "unshare", entity: "household", entityID: id.rawValue, householdID: id,
                detail: "from user \(coachID)")
            return try team(of: household, db)
        }
    }

    func team(of household: Household, _ db: Database) throws -> CaseTeam {
        let names = try String.fetchAll(
            db, sql: "SELECT u.name FROM householdCoach hc JOIN user u ON u.id = hc.coachId WHERE hc.householdId = ? ORDER BY u.name",
            arguments: [household.id])
        let coach = try household.coachID.flatMap { try User.fetchOne(db, key: $0.rawValue)?.name }
        return CaseTeam(householdID: household.id ?? 0, coach: coach, sharedWith: names)
    }
}
