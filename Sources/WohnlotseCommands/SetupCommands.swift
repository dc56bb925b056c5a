import ArgumentParser
import Foundation
import HousingDomain
import HousingStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database (or bring an existing one up to date) and its first admin.",
        discussion: """
            Creates ./wohnlotse.sqlite (or --db PATH / $WOHNLOTSE_DB), readable by its owner only, and the \
            first admin user. Running it again on an existing database only applies new migrations.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Login name of the first admin, created when the database has no users.")
    var admin = "admin"

    func run() throws {
        let database = try global.open(create: true)
        let created = try database.bootstrap(adminName: admin)
        let migrations = try database.appliedMigrations()
        print("Database \(database.path) is ready (schema: \(migrations.last ?? "-")).")
        if created {
            print("Created the admin user '\(admin)'. Next: wohnlotse user add NAME --role coach --as \(admin)")
        }
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage the people who use Wohnlotse (coach, jobcentre, admin).",
        subcommands: [Add.self, List.self, Edit.self, Passwd.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user (admins only).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Login name, e.g. mkoch.") var name: String
        @Option(help: "coach, jobcentre or admin.") var role: User.Role
        @Option(help: "Full name shown in lists.") var displayName: String?

        func run() throws {
            let (db, actor) = try global.session("user add")
            let user = try db.createUser(User(name: name, displayName: displayName, role: role), by: actor)
            try global.emit(user) { print("Added \(user.role.rawValue) '\(user.name)'.") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let (db, actor) = try global.session("user list")
            let users = try db.users(by: actor)
            try global.emit(users) {
                print(Output.table(["name", "role", "display name", "active"],
                    users.map { [$0.name, $0.role.rawValue, Output.dash($0.displayName), $0.active ? "yes" : "no"] }))
            }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's role, display name or active state (admins only).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Login name.") var name: String
        @Option(help: "coach, jobcentre or admin.") var role: User.Role?
        @Option(help: "Full name shown in lists.") var displayName: String?
        @Flag(inversion: .prefixedEnableDisable, help: "Let the user act, or stop them (their records stay).") var active: Bool?

        func validate() throws {
            if role == nil && displayName == nil && active == nil {
                throw ValidationError("nothing to change: give --role, --display-name, --enable-active or --disable-active")
            }
        }

        func run() throws {
            let (db, actor) = try global.session("user edit")
            let user = try db.updateUser(named: name, by: actor) { user in
                if let role { user.role = role }
                if let displayName { user.displayName = displayName }
                if let active { user.active = active }
            }
            try global.emit(user) { print("Updated '\(user.name)': \(user.role.rawValue), \(user.active ? "active" : "inactive").") }
        }
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the audit log: who read or changed what, when (admins only).",
        discussion: "'wohnlotse audit [--household H] [--user U] [--since DATE]' lists entries; 'wohnlotse audit verify' checks the hash chain.",
        subcommands: [List.self, Verify.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries, newest first (the default).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only entries about this household (reference code or id).") var household: String?
        @Option(help: "Only entries by this user.") var user: String?
        @Option(help: "Only entries from this day on (YYYY-MM-DD).", transform: Parse.date) var since: CalendarDate?
        @Option(help: "At most this many entries, newest first.") var limit = 200

        func run() throws {
            let (db, actor) = try global.session("audit")
            let entries = try db.auditEntries(householdKey: household, userName: user, since: since, limit: limit, by: actor)
            try global.emit(entries) {
                print(Output.table(["at", "actor", "action", "entity", "id", "household", "detail"], entries.map {
                    [$0.at, $0.actor, $0.action, $0.entity, $0.entityID.map(String.init) ?? "-", $0.householdID.map(String.init) ?? "-", $0.detail ?? ""]
                }))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's hash chain and name the first row that was changed or deleted.",
            discussion: """
                Exits 1 when the chain is broken, so cron can alert. Note the printed last row and hash                 somewhere else (e.g. with the backups): a log rewritten from that point on would no longer end with them.
                """)
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let (db, actor) = try global.session("audit verify")
            let result = try db.verifyAuditLog(by: actor)
            if global.json { print(try Output.json(result)) }
            if let problem = result.problem {
                throw CommandFailure(description: """
                    the audit log is broken at row \(problem.rowID): it \(problem.reason). \(result.rows) rows before it verify                     (last good row \(result.headID.map(String.init) ?? "-")). Compare with a backup ('wohnlotse restore BACKUP' checks \
                    a backup's chain) and report it to your data protection officer.
                    """)
            }
            if !global.json {
                print("The audit log verifies: \(result.rows) rows, each matching its hash and following the one before.")
                print("Last row \(result.headID.map(String.init) ?? "-"), hash \(result.headHash).")
            }
        }
    }
}
