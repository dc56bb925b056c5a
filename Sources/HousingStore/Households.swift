import Foundation
import GRDB
import HousingDomain

/// Everything a coach sees on a household's page.
public struct HouseholdDetail: Codable, Sendable {
    public var household: Household
    public var coach: String?
    public var members: [Member]
    public var anchors: [Anchor]
    public var stageHistory: [StageChange]
    public var visits: [Visit]
}

/// Which households to list.
public struct HouseholdFilter: Sendable {
    public var stage: Stage?
    public var coachName: String?
    public init(stage: Stage? = nil, coachName: String? = nil) {
        self.stage = stage
        self.coachName = coachName
    }
}

/// One line of the household list: no names, only what a list needs.
public struct HouseholdSummary: Codable, Sendable {
    public var id: Household.ID
    public var referenceCode: String
    public var stage: Stage
    public var size: Int
    public var coach: String?
    public var deadline: CalendarDate?
    public var openedOn: CalendarDate
}

extension DerivableRequest<Household> {
    /// Cases a coach is in charge of.
    func assigned(to coach: User.ID) -> Self { filter(Column("coachId") == coach) }
    func inStage(_ stage: Stage) -> Self { filter(Column("stage") == stage.rawValue) }
}

extension AppDatabase {
    /// Finds a household by numeric id or by reference code (case-insensitive).
    ///
    /// A key of ASCII digits is an id and nothing else: the web app and the store pass ids this way,
    /// and a reference code must never be able to shadow another case's id. Reference codes made of
    /// digits only are refused when a case is opened (`Household.validate`).
    func household(_ key: String, _ db: Database) throws -> Household {
        if !key.isEmpty, key.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            if let id = Int64(key), let found = try Household.fetchOne(db, key: id) { return found }
        } else if let found = try Household.filter(Column("referenceKey") == Household.referenceKey(key)).fetchOne(db) {
            return found
        }
        throw StoreError.notFound(entity: "household", key: key, hint: "give the reference code (Aktenzeichen) or id; 'wohnlotse household list' shows them")
    }

    /// Loads a household the actor may work on, or refuses. A household outside the actor's cases
    /// is reported as refused, never shown.
    func accessibleHousehold(_ key: String, _ db: Database, actor: Actor, action: String) throws -> Household {
        let household = try household(key, db)
        try require(actor, .household(household.id), action: action, for: household, db)
        return household
    }

    /// Opens a case: validates, stores the household and its first stage, and audits it.
    public func createHousehold(_ household: Household, coachName: String?, by actor: Actor) throws -> Household {
        var household = household
        try validating { try household.validate() }
        return try write { db in
            try require(actor, .createHousehold, action: "open cases")
            if let coachName {
                let coachID = try activeCoachID(named: coachName, db)
                if coachID != actor.userID { try require(actor, .assignCoach, action: "assign a case to another coach") }
                household.coachID = coachID
            } else if actor.role == .coach {
                household.coachID = actor.userID
            }
            if try Household.filter(Column("referenceKey") == Household.referenceKey(household.referenceCode)).fetchCount(db) > 0 {
                throw StoreError.duplicate(entity: "household", field: "reference code", value: household.referenceCode)
            }
            try household.insert(db)
            guard let id = household.id else { throw StoreError.refused("no id for the new household") }
            var change = StageChange(householdID: id, from: nil, to: household.stage, date: household.openedOn, actor: actor.name, note: "case opened")
            try change.insert(db)
            try Audit.record(db, actor: actor, action: "create", entity: "household", entityID: id.rawValue, householdID: id)
            return household
        }
    }

    /// Changes a household's fields (not its stage: see `moveStage`).
    public func updateHousehold(_ key: String, coachName: String? = nil, by actor: Actor, change: (inout Household) throws -> Void) throws -> Household {
        try write { db in
            var household = try accessibleHousehold(key, db, actor: actor, action: "edit this household")
            let old = household
            do {
                try change(&household)
                try household.validate()
            } catch let error as DomainError {
                throw StoreError.invalid(error)
            }
            household.stage = old.stage
            household.id = old.id
            if let coachName {
                try require(actor, .assignCoach, action: "assign a case to a coach")
                household.coachID = try activeCoachID(named: coachName, db)
            }
            if Household.referenceKey(household.referenceCode) != Household.referenceKey(old.referenceCode),
                try Household.filter(Column("referenceKey") == Household.referenceKey(household.referenceCode)).fetchCount(db) > 0
            {
                throw StoreError.duplicate(entity: "household", field: "reference code", value: household.referenceCode)
            }
            try household.update(db)
            try Audit.record(db, actor: actor, action: "update", entity: "household", entityID: household.id?.rawValue, householdID: household.id,
                detail: "fields: \(Audit.changedFields(old, household).joined(separator: ", "))")
            return household
        }
    }

    /// Moves a case to another stage, if the workflow allows it, recording date and actor.
    public func moveStage(_ key: String, to stage: Stage, on date: CalendarDate, note: String?, by actor: Actor) throws -> StageChange {
        try write { db in
            var household = try accessibleHousehold(key, db, actor: actor, action: "move this case")
            guard household.stage.canMove(to: stage) else {
                throw StoreError.invalid(.stageTransition(from: household.stage, to: stage))
            }
            guard let id = household.id else { throw StoreError.refused("household without id") }
            if let last = try StageChange.filter(Column("householdId") == id).order(Column("id").desc).fetchOne(db), date < last.date {
                throw StoreError.invalid(.invalidField(field: "date", value: date.iso, hint: "the case entered \(last.to.rawValue) on \(last.date.iso); a later stage cannot start earlier"))
            }
            var change = StageChange(householdID: id, from: household.stage, to: stage, date: date, actor: actor.name, note: note)
            household.stage = stage
            try household.update(db)
            try change.insert(db)
            try Audit.record(db, actor: actor, action: "stage", entity: "household", entityID: id.rawValue, householdID: id,
                detail: "\(change.from?.rawValue ?? "-") -> \(stage.rawValue)")
            return change
        }
    }

    /// Lists the cases the actor may see, without personal names.
    public func households(_ filter: HouseholdFilter, by actor: Actor) throws -> [HouseholdSummary] {
        try write { db in
            guard actor.role != .jobcentre else {
                throw StoreError.forbidden(action: "list households", needs: "a coach or an admin", actor: actor.name, role: actor.role, command: actor.command)
            }
            var request = Household.all()
            if actor.role == .coach { request = request.visible(toCoach: actor.userID) }
            if let stage = filter.stage { request = request.inStage(stage) }
            if let coachName = filter.coachName { request = request.visible(toCoach: try userID(named: coachName, db)) }
            let households = try request.order(Column("referenceCode")).fetchAll(db)
            // An erased case has no members left; it keeps its size in `erasedSize`.
            let sizes = try Dictionary(
                Row.fetchAll(db, sql: """
                    SELECT householdId, COUNT(*) AS n FROM member GROUP BY householdId
                    UNION ALL SELECT id, erasedSize FROM household WHERE erasedSize IS NOT NULL
                    """)
                    .map { (Int64($0["householdId"] as Int64), $0["n"] as Int) }, uniquingKeysWith: +)
            let names = Dictionary(uniqueKeysWithValues: try User.fetchAll(db).compactMap { u in u.id.map { ($0, u.name) } })
            try Audit.record(db, actor: actor, action: "list", entity: "household", entityID: nil, detail: "\(households.count) cases")
            return households.compactMap { h in
                guard let id = h.id else { return nil }
                return HouseholdSummary(
                    id: id, referenceCode: h.referenceCode, stage: h.stage, size: sizes[id.rawValue] ?? 0,
                    coach: h.coachID.flatMap { names[$0] }, deadline: h.deadline, openedOn: h.openedOn)
            }
        }
    }

    /// A household with members, anchors, stage history and visits; the read is audited.
    public func householdDetail(_ key: String, by actor: Actor) throws -> HouseholdDetail {
        try write { db in
            let household = try accessibleHousehold(key, db, actor: actor, action: "see this household")
            guard let id = household.id else { throw StoreError.refused("household without id") }
            let detail = HouseholdDetail(
                household: household,
                coach: try household.coachID.flatMap { try User.fetchOne(db, key: $0.rawValue)?.name },
                members: try Member.filter(Column("householdId") == id).order(Column("id")).fetchAll(db),
                anchors: try Anchor.filter(Column("householdId") == id).order(Column("id")).fetchAll(db),
                stageHistory: try StageChange.filter(Column("householdId") == id).order(Column("id")).fetchAll(db),
                visits: try Visit.filter(Column("householdId") == id).order(Column("date").desc, Column("id").desc).fetchAll(db))
            try Audit.record(db, actor: actor, action: "read", entity: "household", entityID: id.rawValue, householdID: id)
            return detail
        }
    }

    // MARK: Members

    public func addMember(_ member: Member, toHousehold key: String, today: CalendarDate, by actor: Actor) throws -> Member {
        var member = member
        return try write { db in
            let household = try accessibleHousehold(key, db, actor: actor, action: "add members to this household")
            guard let id = household.id else { throw StoreError.refused("household without id") }
            member.householdID = id
            try validating { try member.validate(today: today) }
            try member.insert(db)
            try Audit.record(db, actor: actor, action: "create", entity: "member", entityID: member.id?.rawValue, householdID: id)
            return member
        }
    }

    public func updateMember(_ memberID: Member.ID, today: CalendarDate, by actor: Actor, change: (inout Member) -> Void) throws -> Member {
        try write { db in
            guard var member = try Member.fetchOne(db, key: memberID.rawValue) else {
                throw StoreError.notFound(entity: "member", key: memberID.description, hint: "'wohnlotse household show REF' lists members with their ids")
            }
            _ = try accessibleHousehold(member.householdID.description, db, actor: actor, action: "edit this member")
            let old = member
            change(&member)
            member.id = old.id
            member.householdID = old.householdID
            try validating { try member.validate(today: today) }
            try member.update(db)
            try Audit.record(db, actor: actor, action: "update", entity: "member", entityID: memberID.rawValue, householdID: member.householdID,
                detail: "fields: \(Audit.changedFields(old, member).joined(separator: ", "))")
            return member
        }
    }

    // MARK: Anchors

    public func addAnchor(_ anchor: Anchor, toHousehold key: String, by actor: Actor) throws -> Anchor {
        var anchor = anchor
        return try write { db in
            let household = try accessibleHousehold(key, db, actor: actor, action: "add places to this household")
            guard let id = household.id else { throw StoreError.refused("household without id") }
            anchor.householdID = id
            try validating { try anchor.validate() }
            if let memberID = anchor.memberID {
                guard let member = try Member.fetchOne(db, key: memberID.rawValue), member.householdID == id else {
                    throw StoreError.notFound(entity: "member", key: memberID.description, hint: "give the id of a member of \(household.referenceCode) ('wohnlotse household show \(household.referenceCode)')")
                }
            }
            try anchor.insert(db)
            try Audit.record(db, actor: actor, action: "create", entity: "anchor", entityID: anchor.id?.rawValue, householdID: id)
            return anchor
        }
    }

    public func updateAnchor(_ anchorID: Anchor.ID, by actor: Actor, change: (inout Anchor) -> Void) throws -> Anchor {
        try write { db in
            guard var anchor = try Anchor.fetchOne(db, key: anchorID.rawValue) else {
                throw StoreError.notFound(entity: "anchor", key: anchorID.description, hint: "'wohnlotse anchor list --household REF' lists anchors with their ids")
            }
            _ = try accessibleHousehold(anchor.householdID.description, db, actor: actor, action: "edit this anchor")
            let old = anchor
            change(&anchor)
            anchor.id = old.id
            anchor.householdID = old.householdID
            try validating { try anchor.validate() }
            try anchor.update(db)
            try Audit.record(db, actor: actor, action: "update", entity: "anchor", entityID: anchorID.rawValue, householdID: anchor.householdID,
                detail: "fields: \(Audit.changedFields(old, anchor).joined(separator: ", "))")
            return anchor
        }
    }

    public func removeAnchor(_ anchorID: Anchor.ID, by actor: Actor) throws {
        try write { db in
            guard let anchor = try Anchor.fetchOne(db, key: anchorID.rawValue) else {
                throw StoreError.notFound(entity: "anchor", key: anchorID.description, hint: "'wohnlotse anchor list --household REF' lists anchors with their ids")
            }
            _ = try accessibleHousehold(anchor.householdID.description, db, actor: actor, action: "remove this anchor")
            try anchor.delete(db)
            try Audit.record(db, actor: actor, action: "delete", entity: "anchor", entityID: anchorID.rawValue, householdID: anchor.householdID)
        }
    }

    // MARK: Visits

    public func addVisit(_ visit: Visit, toHousehold key: String, by actor: Actor) throws -> Visit {
        var visit = visit
        return try write { db in
            let household = try accessibleHousehold(key, db, actor: actor, action: "log visits for this household")
            guard let id = household.id else { throw StoreError.refused("household without id") }
            visit.householdID = id
            visit.coachID = actor.userID
            try validating { try visit.validate() }
            try visit.insert(db)
            try Audit.record(db, actor: actor, action: "create", entity: "visit", entityID: visit.id?.rawValue, householdID: id)
            return visit
        }
    }
}
