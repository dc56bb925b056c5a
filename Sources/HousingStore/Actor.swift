import HousingDomain

/// The user on whose behalf the store reads or writes; every call names one, and the audit log
/// records it.
public struct Actor: Sendable, Hashable {
    public let userID: User.ID
    public let name: String
    public let role: User.Role
    /// The command or page that acted, e.g. `household show`; recorded in the audit log.
    public var command: String

    public init(userID: User.ID, name: String, role: User.Role, command: String) {
        self.userID = userID
        self.name = name
        self.role = role
        self.command = command
    }
}

/// What an actor may do. Every store call that touches data asks `AccessPolicy` first, so
/// who-may-see-what is decided in this one place.
public enum Permission: Sendable, Hashable {
    /// See or change one household's personal data (members, anchors, needs, visits, notes).
    case household(Household.ID?)
    /// Open a new case.
    case createHousehold
    /// Assign a case to a coach other than oneself, or share it with further coaches.
    case assignCoach
    /// Add or change users.
    case manageUsers
    /// Read listings (everyone who decides on flats, the job centre included).
    case listings
    /// Landlords and the coaches' contact log with them, and adding or changing listings (by hand or
    /// by importing feeds): the coaches' working material, not the job centre's.
    case housingMarket
    /// Run renting courses and record attendance.
    case courses
    /// Read and verify the audit log.
    case audit
    /// See what a cost decision (Zusicherung) on one household needs: reference code, household size
    /// and ages, benefit type, the flat and its costs, the rules verdict and the suggestion's
    /// explanation. Never names, notes, visits or health-related needs. The job centre gets this only
    /// while a suggestion for the household is in review (`CaseAccess.inReview`).
    case costDecision(Household.ID)
    /// Export everything stored about one household (GDPR art. 15 and 20).
    case exportHousehold(Household.ID)
    /// Erase a household's personal data (art. 17) and run the retention sweep.
    case erasePersonalData
    /// Back up and restore the database file.
    case operations
}

/// Who works on one case and whether it is before the job centre: what `AccessPolicy` needs to
/// decide about a household. The store builds it in one place (`AppDatabase.caseAccess`).
public struct CaseAccess: Sendable, Hashable {
    /// The coach in charge.
    public var coachID: User.ID?
    /// Further coaches an admin shared the case with (`wohnlotse household share`).
    public var sharedWith: Set<User.ID>
    /// Whether a suggested flat for the household awaits the job centre's cost decision.
    public var inReview: Bool

    public init(coachID: User.ID?, sharedWith: Set<User.ID> = [], inReview: Bool = false) {
        self.coachID = coachID
        self.sharedWith = sharedWith
        self.inReview = inReview
    }

    /// Whether `userID` is the coach in charge or one the case is shared with.
    public func isCoach(_ userID: User.ID) -> Bool {
        coachID == userID || sharedWith.contains(userID)
    }
}

public enum AccessPolicy {
    /// Whether `actor` may do `permission`; `case` describes the household when the permission is about one.
    public static func allows(_ actor: Actor, _ permission: Permission, case access: CaseAccess? = nil) -> Bool {
        let isCaseCoach = access?.isCoach(actor.userID) ?? false
        switch (actor.role, permission) {
        case (.admin, _): return true
        case (.coach, .household), (.coach, .costDecision), (.coach, .exportHousehold): return isCaseCoach
        case (.coach, .createHousehold), (.coach, .listings), (.coach, .housingMarket), (.coach, .courses): return true
        case (.jobcentre, .listings): return true
        case (.jobcentre, .costDecision): return access?.inReview ?? false
        default: return false
        }
    }

    /// The same decision for callers that only know the coach in charge (a shared case's further
    /// coaches are not counted; inside the store use `AppDatabase.caseAccess`).
    public static func allows(_ actor: Actor, _ permission: Permission, coachOf: User.ID?) -> Bool {
        allows(actor, permission, case: CaseAccess(coachID: coachOf))
    }

    /// The roles that would be allowed, for the refusal message.
    static func needs(_ permission: Permission) -> String {
        switch permission {
        case .household, .exportHousehold: return "the household's coach (or a coach it is shared with) or an admin"
        case .createHousehold, .courses, .housingMarket: return "a coach or an admin"
        case .listings: return "a coach, job-centre user or admin"
        case .costDecision:
            return "the household's coach, an admin, or a job-centre user while a suggestion for the household is in review"
        case .assignCoach, .manageUsers, .audit, .erasePersonalData, .operations: return "an admin"
        }
    }
}
