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

/// What an actor may do. Every store call that touches data asks `AccessPolicy.check` first, so
/// who-may-see-what is decided in this one place.
public enum Permission: Sendable, Hashable {
    /// See or change one household's personal data (members, anchors, needs, visits, notes).
    case household(Household.ID?)
    /// Open a new case.
    case createHousehold
    /// Assign a case to a coach other than oneself.
    case assignCoach
    /// Add or change users.
    case manageUsers
    /// Read or change listings, landlords and their contacts.
    case listings
    /// Run renting courses and record attendance.
    case courses
    /// Read the audit log.
    case audit
}

public enum AccessPolicy {
    /// Whether `actor` may do `permission`; `coachOf` is the household's assigned coach when asking
    /// about one household.
    public static func allows(_ actor: Actor, _ permission: Permission, coachOf: User.ID? = nil) -> Bool {
        switch (actor.role, permission) {
        case (.admin, _): return true
        case (.coach, .household): return coachOf == actor.userID
        case (.coach, .createHousehold), (.coach, .listings), (.coach, .courses): return true
        case (.jobcentre, .listings): return true
        default: return false
        }
    }

    /// The roles that would be allowed, for the refusal message.
    static func needs(_ permission: Permission) -> String {
        switch permission {
        case .household: return "the household's coach or an admin"
        case .createHousehold, .courses: return "a coach or an admin"
        case .listings: return "a coach, job-centre user or admin"
        case .assignCoach, .manageUsers, .audit: return "an admin"
        }
    }
}
