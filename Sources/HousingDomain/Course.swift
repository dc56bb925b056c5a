/// A renting course (Wohnschule / Mietführerschein).
public struct Course: Hashable, Codable, Sendable {
    public typealias ID = EntityID<Course>

    public var id: ID?
    public var title: String
    /// The modules a participant must attend for the certificate.
    public var requiredModules: [CourseModule]

    public init(id: ID? = nil, title: String, requiredModules: [CourseModule] = CourseModule.allCases) {
        self.id = id
        self.title = title
        self.requiredModules = requiredModules
    }
}

/// The topics of a renting course.
public enum CourseModule: String, Hashable, Codable, Sendable, CaseIterable, Comparable {
    /// Heizen und Lüften.
    case heatingAndAiring = "heating-airing"
    /// Der Mietvertrag.
    case lease
    /// Betriebskosten.
    case operatingCosts = "operating-costs"
    /// Mülltrennung.
    case wasteSeparation = "waste-separation"
    /// Hausordnung und Nachbarschaft.
    case houseRules = "house-rules"
    /// Wohnungssuche und Bewerbung.
    case applying
    /// Kaution und Kündigung.
    case depositAndNotice = "deposit-notice"
    /// Regeln des Jobcenters beim Umzug.
    case jobcentreRules = "jobcentre-rules"

    public static func < (lhs: CourseModule, rhs: CourseModule) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }

    /// The German title participants know.
    public var germanTitle: String {
        switch self {
        case .heatingAndAiring: return "Heizen und Lüften"
        case .lease: return "Der Mietvertrag"
        case .operatingCosts: return "Betriebskosten"
        case .wasteSeparation: return "Mülltrennung"
        case .houseRules: return "Hausordnung und Nachbarschaft"
        case .applying: return "Wohnungssuche und Bewerbung"
        case .depositAndNotice: return "Kaution und Kündigung"
        case .jobcentreRules: return "Jobcenter-Regeln beim Umzug"
        }
    }
}

/// One meeting of a course, covering one or more modules.
public struct CourseSession: Hashable, Codable, Sendable {
    public typealias ID = EntityID<CourseSession>

    public var id: ID?
    public var courseID: Course.ID
    public var date: CalendarDate
    /// `HH:MM`, local time.
    public var startTime: String
    public var place: String
    public var trainer: String
    public var language: String
    public var capacity: Int
    public var modules: [CourseModule]

    public init(id: ID? = nil, courseID: Course.ID, date: CalendarDate, startTime: String, place: String, trainer: String, language: String, capacity: Int, modules: [CourseModule]) {
        self.id = id
        self.courseID = courseID
        self.date = date
        self.startTime = startTime
        self.place = place
        self.trainer = trainer
        self.language = language
        self.capacity = capacity
        self.modules = modules
    }

    public func validate() throws {
        let parts = startTime.split(separator: ":")
        guard startTime.count == 5, parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m) else {
            throw DomainError.invalidField(field: "start time", value: startTime, hint: "give the time as HH:MM, e.g. 09:30")
        }
        guard (1...500).contains(capacity) else {
            throw DomainError.invalidField(field: "capacity", value: String(capacity), hint: "give 1 to 500 places")
        }
        guard !modules.isEmpty else {
            throw DomainError.invalidField(field: "modules", value: "", hint: "name at least one module the session covers")
        }
    }
}

/// Whether a member came to a session.
public struct Attendance: Hashable, Codable, Sendable {
    public var sessionID: CourseSession.ID
    public var memberID: Member.ID
    public var status: Status

    public enum Status: String, Hashable, Codable, Sendable, CaseIterable {
        case present, absent, excused
    }

    public init(sessionID: CourseSession.ID, memberID: Member.ID, status: Status) {
        self.sessionID = sessionID
        self.memberID = memberID
        self.status = status
    }
}

/// A member's certificate in a course, derived from attendance: earned once the member was
/// present at sessions covering every required module.
public struct CertificateState: Hashable, Codable, Sendable {
    public var attendedModules: [CourseModule]
    public var missingModules: [CourseModule]
    /// The day of the session that completed the last missing module, once earned.
    public var earnedOn: CalendarDate?

    public var isEarned: Bool { earnedOn != nil }

    /// Works out the certificate for one member from a course's sessions and the member's attendance.
    public static func derive(course: Course, sessions: [CourseSession], attendance: [Attendance]) -> CertificateState {
        let present = Set(attendance.filter { $0.status == .present }.map(\.sessionID))
        var firstAttended: [CourseModule: CalendarDate] = [:]
        for session in sessions.sorted(by: { $0.date < $1.date }) {
            guard let id = session.id, present.contains(id) else { continue }
            for module in session.modules where firstAttended[module] == nil {
                firstAttended[module] = session.date
            }
        }
        let required = Set(course.requiredModules)
        let attended = required.filter { firstAttended[$0] != nil }.sorted()
        let missing = required.subtracting(attended).sorted()
        let earned = missing.isEmpty && !required.isEmpty ? attended.compactMap { firstAttended[$0] }.max() : nil
        return CertificateState(attendedModules: attended, missingModules: missing, earnedOn: earned)
    }
}

/// A coaching contact with a household.
public struct Visit: Hashable, Codable, Sendable {
    public typealias ID = EntityID<Visit>

    public var id: ID?
    public var householdID: Household.ID
    public var coachID: User.ID
    public var date: CalendarDate
    public var kind: Kind
    public var durationMinutes: Int
    public var topics: [String]
    /// The coach's note. Never shown to job-centre staff.
    public var note: String?
    public var followUp: CalendarDate?

    public enum Kind: String, Hashable, Codable, Sendable, CaseIterable {
        case homeVisit = "home-visit"
        case office, phone
        case accompaniedViewing = "accompanied-viewing"
        case other
    }

    public init(id: ID? = nil, householdID: Household.ID, coachID: User.ID, date: CalendarDate, kind: Kind, durationMinutes: Int, topics: [String] = [], note: String? = nil, followUp: CalendarDate? = nil) {
        self.id = id
        self.householdID = householdID
        self.coachID = coachID
        self.date = date
        self.kind = kind
        self.durationMinutes = durationMinutes
        self.topics = topics
        self.note = note
        self.followUp = followUp
    }

    public func validate() throws {
        guard (1...720).contains(durationMinutes) else {
            throw DomainError.invalidField(field: "duration", value: String(durationMinutes), hint: "give the minutes, 1 to 720")
        }
        if let followUp, followUp < date {
            throw DomainError.invalidField(field: "follow-up", value: followUp.iso, hint: "the follow-up must not be before the visit (\(date.iso))")
        }
    }
}

/// Someone who uses Wohnlotse.
public struct User: Hashable, Codable, Sendable {
    public typealias ID = EntityID<User>

    public var id: ID?
    /// Login name, unique, e.g. `mkoch`.
    public var name: String
    public var displayName: String?
    public var role: Role
    public var active: Bool

    public enum Role: String, Hashable, Codable, Sendable, CaseIterable {
        case coach, jobcentre, admin
    }

    public init(id: ID? = nil, name: String, displayName: String? = nil, role: Role, active: Bool = true) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.role = role
        self.active = active
    }

    public func validate() throws {
        let allowed = name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" || $0 == "_" }
        guard !name.isEmpty, name.count <= 40, allowed else {
            throw DomainError.invalidField(field: "user name", value: name, hint: "use 1 to 40 letters, digits, '.', '-' or '_' (e.g. mkoch)")
        }
    }
}

/// What the domain refuses, with what to do about it.
public enum DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A field's value is not acceptable; `hint` says what would be.
    case invalidField(field: String, value: String, hint: String)
    /// A stage move the workflow does not allow.
    case stageTransition(from: Stage, to: Stage)

    public var description: String {
        switch self {
        case .invalidField(let field, let value, let hint):
            return "invalid \(field) '\(value)': \(hint)"
        case .stageTransition(let from, let to):
            let allowed = from.allowedNext.map(\.rawValue).joined(separator: ", ")
            return "cannot move a case from \(from.rawValue) to \(to.rawValue): from \(from.rawValue) it can go to \(allowed)"
        }
    }
}

import Foundation
