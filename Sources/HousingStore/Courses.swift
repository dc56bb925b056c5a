import GRDB
import HousingDomain

/// A course with its sessions and, per participant, attendance and certificate.
public struct CourseDetail: Codable, Sendable {
    public struct Participant: Codable, Sendable {
        public var memberID: Member.ID
        public var householdReference: String
        /// Shown only to coaches of the household and admins; nil otherwise.
        public var name: String?
        public var attendance: [Attendance]
        public var certificate: CertificateState
    }
    public var course: Course
    public var sessions: [CourseSession]
    public var participants: [Participant]
}

extension AppDatabase {
    public func createCourse(_ course: Course, by actor: Actor) throws -> Course {
        var course = course
        if course.title.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StoreError.invalid(.invalidField(field: "title", value: "", hint: "give the course a title, e.g. 'Wohnschule Plön Frühjahr 2026'"))
        }
        if course.requiredModules.isEmpty {
            throw StoreError.invalid(.invalidField(field: "modules", value: "", hint: "name at least one required module"))
        }
        return try write { db in
            try require(actor, .courses, action: "set up courses")
            try course.insert(db)
            try Audit.record(db, actor: actor, action: "create", entity: "course", entityID: course.id?.rawValue)
            return course
        }
    }

    public func addSession(_ session: CourseSession, by actor: Actor) throws -> CourseSession {
        var session = session
        try validating { try session.validate() }
        return try write { db in
            try require(actor, .courses, action: "plan course sessions")
            guard try Course.fetchOne(db, key: session.courseID.rawValue) != nil else { throw notFoundCourse(session.courseID) }
            try session.insert(db)
            try Audit.record(db, actor: actor, action: "create", entity: "courseSession", entityID: session.id?.rawValue)
            return session
        }
    }

    /// Records attendance for several members of one session at once (a coach ticks a whole list).
    /// A member's earlier entry for the session is replaced. The session's capacity is enforced.
    public func recordAttendance(session sessionID: CourseSession.ID, _ entries: [(Member.ID, Attendance.Status)], by actor: Actor) throws {
        try write { db in
            try require(actor, .courses, action: "record attendance")
            guard let session = try CourseSession.fetchOne(db, key: sessionID.rawValue) else {
                throw StoreError.notFound(entity: "session", key: sessionID.description, hint: "'wohnlotse course show ID' lists a course's sessions")
            }
            for (memberID, status) in entries {
                guard let member = try Member.fetchOne(db, key: memberID.rawValue) else {
                    throw StoreError.notFound(entity: "member", key: memberID.description, hint: "'wohnlotse household show REF' lists members with their ids")
                }
                // Attendance is personal data: only the household's coach (or an admin) records it.
                let household = try household(member.householdID.description, db)
                try require(actor, .household(household.id), action: "record attendance for \(household.referenceCode)", coachOf: household.coachID)
                try Attendance(sessionID: sessionID, memberID: memberID, status: status).upsert(db)
                try Audit.record(db, actor: actor, action: "update", entity: "attendance", entityID: sessionID.rawValue, householdID: household.id,
                    detail: "member \(memberID): \(status.rawValue)")
            }
            let taken = try Attendance.filter(Column("courseSessionId") == sessionID && Column("status") == "present").fetchCount(db)
            if taken > session.capacity {
                throw StoreError.refused("session \(sessionID) has \(session.capacity) places but \(taken) participants would be present; raise the capacity first")
            }
        }
    }

    public func courses(by actor: Actor) throws -> [Course] {
        try read { db in
            try require(actor, .courses, action: "see courses")
            return try Course.order(Column("id")).fetchAll(db)
        }
    }

    /// A course with sessions and participants; names only for households the actor may see.
    public func courseDetail(_ id: Course.ID, by actor: Actor) throws -> CourseDetail {
        try write { db in
            try require(actor, .courses, action: "see courses")
            guard let course = try Course.fetchOne(db, key: id.rawValue) else { throw notFoundCourse(id) }
            let sessions = try CourseSession.filter(Column("courseId") == id).order(Column("date"), Column("startTime"), Column("id")).fetchAll(db)
            let sessionIDs = sessions.compactMap(\.id)
            let attendance = try Attendance.filter(sessionIDs.contains(Column("courseSessionId"))).fetchAll(db)
            let byMember = Dictionary(grouping: attendance, by: \.memberID)
            var participants: [CourseDetail.Participant] = []
            for memberID in byMember.keys.sorted() {
                guard let member = try Member.fetchOne(db, key: memberID.rawValue),
                    let household = try Household.fetchOne(db, key: member.householdID.rawValue)
                else { continue }
                let visible = AccessPolicy.allows(actor, .household(household.id), coachOf: household.coachID)
                if visible {
                    try Audit.record(db, actor: actor, action: "read", entity: "attendance", entityID: memberID.rawValue, householdID: household.id)
                }
                participants.append(.init(
                    memberID: memberID, householdReference: household.referenceCode, name: visible ? member.fullName : nil,
                    attendance: byMember[memberID] ?? [],
                    certificate: CertificateState.derive(course: course, sessions: sessions, attendance: byMember[memberID] ?? [])))
            }
            return CourseDetail(course: course, sessions: sessions, participants: participants)
        }
    }

    private func notFoundCourse(_ id: Course.ID) -> StoreError {
        .notFound(entity: "course", key: id.description, hint: "'wohnlotse course list' shows courses with their ids")
    }
}
