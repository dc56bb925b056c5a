import GRDB
import HousingDomain

extension AppDatabase {
    /// Creates the database's first admin when there are no users yet; returns whether it did.
    ///
    /// This is how `wohnlotse init` gives an operator someone to act as.
    @discardableResult
    public func bootstrap(adminName: String) throws -> Bool {
        var admin = User(name: adminName, displayName: nil, role: .admin)
        try validating { try admin.validate() }
        return try write { db in
            guard try User.fetchCount(db) == 0 else { return false }
            try admin.insert(db)
            let actor = Actor(userID: admin.id ?? 0, name: "init", role: .admin, command: "init")
            try Audit.record(db, actor: actor, action: "create", entity: "user", entityID: admin.id?.rawValue, detail: "first admin \(adminName)")
            return true
        }
    }

    /// Resolves who is acting, refusing unknown and deactivated users.
    public func actor(named name: String?, command: String) throws -> Actor {
        guard let name, !name.isEmpty else { throw StoreError.noActor }
        let user = try read { db in try User.filter(Column("name") == name).fetchOne(db) }
        guard let user, let id = user.id else { throw StoreError.unknownUser(name: name) }
        guard user.active else { throw StoreError.inactiveUser(name: name) }
        return Actor(userID: id, name: user.name, role: user.role, command: command)
    }

    public func createUser(_ user: User, by actor: Actor) throws -> User {
        var user = user
        try validating { try user.validate() }
        return try write { db in
            try require(actor, .manageUsers, action: "add users")
            if try User.filter(Column("name") == user.name).fetchCount(db) > 0 {
                throw StoreError.duplicate(entity: "user", field: "name", value: user.name)
            }
            try user.insert(db)
            try Audit.record(db, actor: actor, action: "create", entity: "user", entityID: user.id?.rawValue, detail: "role \(user.role.rawValue)")
            return user
        }
    }

    /// Changes a user's role, display name or active flag.
    public func updateUser(named name: String, by actor: Actor, change: (inout User) -> Void) throws -> User {
        try write { db in
            try require(actor, .manageUsers, action: "change users")
            guard var user = try User.filter(Column("name") == name).fetchOne(db) else {
                throw StoreError.notFound(entity: "user", key: name, hint: "list users with 'wohnlotse user list'")
            }
            let old = user
            change(&user)
            try validating { try user.validate() }
            if user.role != .admin || !user.active, old.role == .admin, old.active {
                let admins = try User.filter(Column("role") == "admin" && Column("active") == true).fetchCount(db)
                if admins <= 1 {
                    throw StoreError.refused("'\(name)' is the last active admin; make someone else admin first")
                }
            }
            try user.update(db)
            try Audit.record(db, actor: actor, action: "update", entity: "user", entityID: user.id?.rawValue,
                detail: "fields: \(Audit.changedFields(old, user).joined(separator: ", "))")
            return user
        }
    }

    /// All users, by name. Everyone may list users (to find a coach's login name).
    public func users(by actor: Actor) throws -> [User] {
        try read { db in try User.order(Column("name")).fetchAll(db) }
    }

    func require(_ actor: Actor, _ permission: Permission, action: String, coachOf: User.ID? = nil) throws {
        guard AccessPolicy.allows(actor, permission, coachOf: coachOf) else {
            throw StoreError.forbidden(action: action, needs: AccessPolicy.needs(permission), actor: actor.name, role: actor.role, command: actor.command)
        }
    }

    /// The id of an active coach, for putting a case in someone's charge or sharing it: a job-centre
    /// user or admin in charge of a case would break the role rules, an inactive one would orphan it.
    func activeCoachID(named name: String, _ db: Database) throws -> User.ID {
        let (user, id) = try user(named: name, db)
        guard user.role == .coach else {
            throw StoreError.refused("'\(name)' is a \(user.role.rawValue) user; cases are assigned to and shared with coaches only")
        }
        guard user.active else {
            throw StoreError.refused("'\(name)' is deactivated; reactivate the user or choose another coach")
        }
        return id
    }

    func userID(named name: String, _ db: Database) throws -> User.ID {
        try user(named: name, db).1
    }

    /// A user by login name with its id, or the not-found error that says where to look.
    private func user(named name: String, _ db: Database) throws -> (User, User.ID) {
        guard let user = try User.filter(Column("name") == name).fetchOne(db), let id = user.id else {
            throw StoreError.notFound(entity: "user", key: name, hint: "list users with 'wohnlotse user list'")
        }
        return (user, id)
    }

    /// Login names by user id, for rendering.
    public func userNames() throws -> [User.ID: String] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try User.fetchAll(db).compactMap { u in u.id.map { ($0, u.name) } })
        }
    }
}
