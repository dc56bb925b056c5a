import GRDB
import HousingDomain

/// What a coach should look at today.
public struct Agenda: Codable, Sendable {
    public struct FollowUp: Codable, Sendable {
        /// `visit` or `landlord`.
        public var kind: String
        public var due: CalendarDate
        public var daysOverdue: Int
        /// The household's reference code or the landlord's name.
        public var subject: String
        public var what: String
    }
    public struct Deadline: Codable, Sendable {
        public var householdReference: String
        public var stage: Stage
        public var deadline: CalendarDate
        public var daysLeft: Int
    }
    public struct UpcomingSession: Codable, Sendable {
        public var sessionID: CourseSession.ID
        public var course: String
        public var date: CalendarDate
        public var startTime: String
        public var place: String
        public var modules: [CourseModule]
    }
    public struct EarnedCertificate: Codable, Sendable {
        public var householdReference: String
        public var memberID: Member.ID
        public var name: String
        public var course: String
        public var earnedOn: CalendarDate
    }
    public var today: CalendarDate
    public var coach: String
    /// Follow-ups due today or earlier that no later visit or contact has answered.
    public var followUps: [FollowUp]
    /// Open cases whose move deadline falls within the horizon (or has passed).
    public var deadlines: [Deadline]
    public var sessions: [UpcomingSession]
    /// Certificates earned within the last `horizon` days.
    public var certificates: [EarnedCertificate]
}

extension AppDatabase {
    /// The agenda of `coachName` (default: the actor) for the next `horizonDays`.
    public func agenda(for coachName: String?, today: CalendarDate, horizonDays: Int, by actor: Actor) throws -> Agenda {
        try write { db in
            let coachID = try coachName.map { try userID(named: $0, db) } ?? actor.userID
            if coachID != actor.userID && actor.role != .admin {
                throw StoreError.forbidden(action: "see another coach's agenda", needs: "an admin", actor: actor.name, role: actor.role, command: actor.command)
            }
            if actor.role == .jobcentre {
                throw StoreError.forbidden(action: "see a coach's agenda", needs: "a coach or an admin", actor: actor.name, role: actor.role, command: actor.command)
            }
            let coach = try User.fetchOne(db, key: coachID.rawValue)?.name ?? ""
            let horizon = today.adding(days: horizonDays)
            let households = try Household.all().visible(toCoach: coachID).fetchAll(db)
            let byID = Dictionary(uniqueKeysWithValues: households.compactMap { h in h.id.map { ($0, h) } })

            var followUps: [Agenda.FollowUp] = []
            // A visit's follow-up is open until a later visit to the same household.
            for (id, household) in byID {
                let visits = try Visit.filter(Column("householdId") == id).order(Column("date"), Column("id")).fetchAll(db)
                guard let last = visits.last(where: { $0.followUp != nil }), let due = last.followUp, due <= today else { continue }
                if visits.contains(where: { $0.date > last.date }) { continue }
                followUps.append(.init(kind: "visit", due: due, daysOverdue: due.days(until: today), subject: household.referenceCode,
                    what: "follow-up of the \(last.kind.rawValue) on \(last.date.iso)"))
            }
            let contacts = try LandlordContact.filter(Column("coachId") == coachID).order(Column("date"), Column("id")).fetchAll(db)
            let latestByLandlord = Dictionary(grouping: contacts, by: \.landlordID).compactMapValues(\.last)
            for (landlordID, contact) in latestByLandlord {
                guard let due = contact.followUp, due <= today,
                    let landlord = try Landlord.fetchOne(db, key: landlordID.rawValue) else { continue }
                followUps.append(.init(kind: "landlord", due: due, daysOverdue: due.days(until: today), subject: landlord.name,
                    what: "call back (\(contact.channel.rawValue) on \(contact.date.iso): \(contact.outcome))"))
            }
            followUps.sort { ($0.due, $0.subject) < ($1.due, $1.subject) }

            let deadlines = households
                .filter { $0.stage < .movedIn }
                .compactMap { h -> Agenda.Deadline? in
                    guard let deadline = h.deadline, deadline <= horizon else { return nil }
                    return .init(householdReference: h.referenceCode, stage: h.stage, deadline: deadline, daysLeft: today.days(until: deadline))
                }
                .sorted { ($0.deadline, $0.householdReference) < ($1.deadline, $1.householdReference) }

            let sessionRows = try CourseSession
                .filter(Column("date") >= today.iso && Column("date") <= horizon.iso)
                .order(Column("date"), Column("startTime")).fetchAll(db)
            var sessions: [Agenda.UpcomingSession] = []
            for s in sessionRows {
                guard let id = s.id else { continue }
                let title = try Course.fetchOne(db, key: s.courseID.rawValue)?.title ?? ""
                sessions.append(.init(sessionID: id, course: title, date: s.date, startTime: s.startTime, place: s.place, modules: s.modules))
            }

            var certificates: [Agenda.EarnedCertificate] = []
            let since = today.adding(days: -horizonDays)
            let memberIDs = try Member.filter(byID.keys.map(\.rawValue).contains(Column("householdId"))).fetchAll(db)
            let membersByID = Dictionary(uniqueKeysWithValues: memberIDs.compactMap { m in m.id.map { ($0, m) } })
            if !membersByID.isEmpty {
                let attendance = try Attendance.filter(membersByID.keys.map(\.rawValue).contains(Column("memberId"))).fetchAll(db)
                let sessionsAll = try CourseSession.fetchAll(db)
                let sessionCourse = Dictionary(uniqueKeysWithValues: sessionsAll.compactMap { s in s.id.map { ($0, s.courseID) } })
                for course in try Course.fetchAll(db) {
                    let courseSessions = sessionsAll.filter { $0.courseID == course.id }
                    let attendanceInCourse = attendance.filter { sessionCourse[$0.sessionID] == course.id }
                    for (memberID, entries) in Dictionary(grouping: attendanceInCourse, by: \.memberID) {
                        let state = CertificateState.derive(course: course, sessions: courseSessions, attendance: entries)
                        guard let earned = state.earnedOn, earned >= since, earned <= today, let member = membersByID[memberID],
                            let household = byID[member.householdID] else { continue }
                        certificates.append(.init(householdReference: household.referenceCode, memberID: memberID,
                            name: member.fullName, course: course.title, earnedOn: earned))
                    }
                }
            }
            certificates.sort { ($0.earnedOn, $0.householdReference) > ($1.earnedOn, $1.householdReference) }
            try Audit.record(db, actor: actor, action: "read", entity: "agenda", entityID: coachID.rawValue, detail: "\(households.count) cases")
            return Agenda(today: today, coach: coach, followUps: followUps, deadlines: deadlines, sessions: sessions, certificates: certificates)
        }
    }

    /// Audit rows, newest first, for admins.
    public func auditEntries(householdKey: String? = nil, userName: String? = nil, since: CalendarDate? = nil, limit: Int = 200, by actor: Actor) throws -> [AuditEntry] {
        try write { db in
            try require(actor, .audit, action: "read the audit log")
            var sql = "SELECT * FROM auditLog WHERE 1=1"
            var arguments: StatementArguments = []
            if let householdKey {
                let household = try household(householdKey, db)
                sql += " AND householdId = ?"
                _ = arguments.append(contentsOf: [household.id?.rawValue])
            }
            if let userName {
                sql += " AND actor = ?"
                _ = arguments.append(contentsOf: [userName])
            }
            if let since {
                sql += " AND at >= ?"
                _ = arguments.append(contentsOf: [since.iso])
            }
            sql += " ORDER BY id DESC LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            let rows = try AuditEntry.fetchAll(db, sql: sql, arguments: arguments)
            try Audit.record(db, actor: actor, action: "read", entity: "auditLog", entityID: nil, detail: "\(rows.count) rows")
            return rows
        }
    }
}
