import Foundation
import GRDB
import HousingDomain

/// One member's place in one renting course: attendance per session and the certificate.
public struct MemberCourseRecord: Sendable {
    public var memberID: Member.ID
    public var course: Course
    /// The course's sessions the member has an attendance entry for, by date.
    public var attendance: [(session: CourseSession, status: Attendance.Status)]
    public var certificate: CertificateState
}

/// A course session with everyone the actor may tick on its attendance list.
public struct SessionRoster: Sendable {
    public struct Entry: Sendable {
        public var householdID: Household.ID
        public var householdReference: String
        public var memberID: Member.ID
        public var name: String
        /// The recorded status for this session, if any.
        public var status: Attendance.Status?
    }
    public var course: Course
    public var session: CourseSession
    /// Present entries across all households (the capacity counts them all).
    public var presentCount: Int
    /// Members of the actor's open cases (and anyone of them already on the list), by case and id.
    public var entries: [Entry]
}

/// A course with its sessions, for the list of courses.
public struct CourseWithSessions: Sendable {
    public var course: Course
    public var sessions: [CourseSession]
}

/// Who works on a case, for the admin's assignment page.
public struct CaseAssignment: Sendable {
    public var householdID: Household.ID
    public var referenceCode: String
    public var stage: Stage
    public var coach: String?
    public var sharedWith: [String]
}

/// Per listing source: its last run and whether it needs attention.
public struct ImportOverview: Sendable {
    public var source: String
    public var lastRun: ImportRunRecord?
    public var health: SourceHealth
}

extension AppDatabase {
    /// A household's renting courses: per member and course, attendance and certificate. Audited
    /// like every read of a household's data.
    public func householdCourses(_ key: String, by actor: Actor) throws -> [MemberCourseRecord] {
        try write { db in
            let household = try accessibleHousehold(key, db, actor: actor, action: "see this household's courses")
            guard let id = household.id else { throw StoreError.refused("household without id") }
            let members = try Member.filter(Column("householdId") == id).order(Column("id")).fetchAll(db)
            let memberIDs = members.compactMap(\.id)
            let attendance = try Attendance.filter(memberIDs.map(\.rawValue).contains(Column("memberId"))).fetchAll(db)
            guard !attendance.isEmpty else { return [] }
            let sessions = try CourseSession.order(Column("date"), Column("startTime"), Column("id")).fetchAll(db)
            let sessionsByID = Dictionary(uniqueKeysWithValues: sessions.compactMap { s in s.id.map { ($0, s) } })
            var records: [MemberCourseRecord] = []
            for course in try Course.order(Column("id")).fetchAll(db) {
                let courseSessions = sessions.filter { $0.courseID == course.id }
                for memberID in memberIDs {
                    let entries = attendance.filter { $0.memberID == memberID && sessionsByID[$0.sessionID]?.courseID == course.id }
                    guard !entries.isEmpty else { continue }
                    let list = entries.compactMap { e in sessionsByID[e.sessionID].map { (session: $0, status: e.status) } }
                        .sorted { $0.session.date < $1.session.date }
                    records.append(MemberCourseRecord(
                        memberID: memberID, course: course, attendance: list,
                        certificate: CertificateState.derive(course: course, sessions: courseSessions, attendance: entries)))
                }
            }
            try Audit.record(db, actor: actor, action: "read", entity: "attendance", entityID: nil, householdID: id, detail: "household courses")
            return records
        }
    }

    /// One suggestion with what a cost decision needs (household size and ages, benefit type, the
    /// flat): the job centre's view of a suggestion before it, and the approval sheet. A job-centre
    /// user gets it only while the suggestion is visible to them and the household is in review.
    public func costDecision(_ suggestionID: Int64, today: CalendarDate, by actor: Actor) throws -> CostDecisionView {
        let record = try suggestion(suggestionID, by: actor)
        return try read { db in
            let household = try requireCostDecision(record.householdID.description, by: actor, db)
            guard let listing = try Listing.fetchOne(db, key: record.listingID.rawValue) else {
                throw StoreError.notFound(entity: "listing", key: record.listingID.description, hint: "the suggested flat was deleted")
            }
            let births = try CalendarDate.fetchAll(db, sql: "SELECT birthDate FROM member WHERE householdId = ?", arguments: [record.householdID.rawValue])
            let submitted = record.events.last { $0.to == .submitted }?.date ?? record.stateDate
            return CostDecisionView(
                suggestion: record, householdSize: births.count, ages: births.map { $0.age(on: today) }.sorted(by: >),
                benefitType: household.benefitType, listing: listing, waitingSince: submitted,
                otherZusicherungen: try Self.otherZusicherungen(household: record.householdID, except: record.id, db))
        }
    }

    /// Every course with its sessions (no personal data).
    public func coursesWithSessions(by actor: Actor) throws -> [CourseWithSessions] {
        try read { db in
            try require(actor, .courses, action: "see courses")
            let sessions = try CourseSession.order(Column("date"), Column("startTime"), Column("id")).fetchAll(db)
            return try Course.order(Column("id")).fetchAll(db).map { course in
                CourseWithSessions(course: course, sessions: sessions.filter { $0.courseID == course.id })
            }
        }
    }

    /// The attendance list of one session: the members of the actor's open cases (an admin: all open
    /// cases) and anyone of the actor's cases already recorded. Each case listed is audited.
    public func sessionRoster(_ sessionID: CourseSession.ID, by actor: Actor) throws -> SessionRoster {
        try write { db in
            try require(actor, .courses, action: "record attendance")
            guard let session = try CourseSession.fetchOne(db, key: sessionID.rawValue),
                let course = try Course.fetchOne(db, key: session.courseID.rawValue)
            else {
                throw StoreError.notFound(entity: "session", key: sessionID.description, hint: "'wohnlotse course show ID' lists a course's sessions")
            }
            let recorded = try Attendance.filter(Column("courseSessionId") == sessionID).fetchAll(db)
            let status = Dictionary(uniqueKeysWithValues: recorded.map { ($0.memberID, $0.status) })
            var request = Household.all()
            if actor.role != .admin { request = request.visible(toCoach: actor.userID) }
            var entries: [SessionRoster.Entry] = []
            for household in try request.order(Column("referenceCode")).fetchAll(db) {
                guard let id = household.id, AccessPolicy.allows(actor, .household(id), case: try caseAccess(household, db)) else { continue }
                let members = try Member.filter(Column("householdId") == id).order(Column("id")).fetchAll(db)
                let listed = members.filter { m in household.stage != .closed || m.id.map { status[$0] != nil } == true }
                guard !listed.isEmpty else { continue }
                for m in listed {
                    guard let mid = m.id else { continue }
                    entries.append(.init(householdID: id, householdReference: household.referenceCode, memberID: mid, name: m.fullName, status: status[mid]))
                }
                try Audit.record(db, actor: actor, action: "read", entity: "attendance", entityID: sessionID.rawValue, householdID: id, detail: "attendance list")
            }
            return SessionRoster(course: course, session: session, presentCount: recorded.filter { $0.status == .present }.count, entries: entries)
        }
    }

    /// Every case with its coach in charge and the coaches it is shared with (admins only).
    public func caseAssignments(by actor: Actor) throws -> [CaseAssignment] {
        try write { db in
            try require(actor, .assignCoach, action: "see case assignments")
            let households = try Household.order(Column("referenceCode")).fetchAll(db)
            let result = try households.compactMap { h -> CaseAssignment? in
                guard let id = h.id else { return nil }
                let team = try team(of: h, db)
                return CaseAssignment(householdID: id, referenceCode: h.referenceCode, stage: h.stage, coach: team.coach, sharedWith: team.sharedWith)
            }
            try Audit.record(db, actor: actor, action: "list", entity: "household", entityID: nil, detail: "\(result.count) case assignments")
            return result
        }
    }

    /// Per source (those named plus any that ever ran): its last run and its health over `days`
    /// days. Operating the import is an admin's job.
    public func importOverview(sources configured: [String], days: Int, now: Date = Date(), by actor: Actor) throws -> [ImportOverview] {
        let known = try read { db in
            try require(actor, .operations, action: "see the import health")
            return try String.fetchAll(db, sql: "SELECT name FROM importSource UNION SELECT source FROM importRun")
        }
        let names = Array(Set(configured).union(known)).sorted()
        let health = try importHealth(sources: names, days: days, now: now)
        return try zip(names, health).map { name, h in
            ImportOverview(source: name, lastRun: try importRuns(source: name, limit: 1).first, health: h)
        }
    }
}
