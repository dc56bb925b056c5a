import GRDB
import HousingDomain

/// What the store refuses, each with what to do about it.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No database file at the path, and the command does not create one.
    case databaseMissing(path: String)
    /// The file exists but cannot be written (Wohnlotse writes an audit row for every use).
    case readOnly(path: String)
    /// The file or its folder cannot be opened (missing folder, no permission).
    case cannotOpen(path: String)
    /// The file is not an SQLite database, or is damaged.
    case notADatabase(path: String, detail: String)
    /// The file was migrated by a newer Wohnlotse than this one.
    case newerSchema(path: String, unknownMigrations: [String])
    /// Nobody said who is acting.
    case noActor
    /// The acting user does not exist or is inactive.
    case unknownUser(name: String)
    case inactiveUser(name: String)
    /// An entity named by the user does not exist (or is not visible to them).
    case notFound(entity: String, key: String, hint: String)
    /// A value that must be unique is taken.
    case duplicate(entity: String, field: String, value: String)
    /// The acting user's role may not do this.
    case forbidden(action: String, needs: String, actor: String, role: User.Role, household: Int64? = nil, command: String = "")
    /// A domain rule refused the value.
    case invalid(DomainError)
    /// The database refused a change (a constraint the checks above did not catch).
    case refused(String)

    public var description: String {
        switch self {
        case .databaseMissing(let path):
            return "no database at \(path): run 'wohnlotse init' to create it, or point --db / WOHNLOTSE_DB at the right file"
        case .readOnly(let path):
            return "the database \(path) is read-only: Wohnlotse records every use in its audit log, so it needs write access; check the file's owner and permissions (chmod 600, owned by the user running wohnlotse)"
        case .cannotOpen(let path):
            return "cannot open the database \(path): check that its folder exists and that you may write there"
        case .notADatabase(let path, let detail):
            return "\(path) is not a Wohnlotse database or is damaged (\(detail)): restore it from a backup, or point --db at the right file"
        case .newerSchema(let path, let unknown):
            return "the database \(path) was written by a newer Wohnlotse (unknown migrations: \(unknown.joined(separator: ", "))): upgrade wohnlotse before using it; nothing was changed"
        case .noActor:
            return "who is acting? Pass --as NAME or set WOHNLOTSE_USER (every use is recorded in the audit log)"
        case .unknownUser(let name):
            return "unknown user '\(name)': list users with 'wohnlotse user list', or ask an admin to add you with 'wohnlotse user add \(name) --role coach'"
        case .inactiveUser(let name):
            return "user '\(name)' is deactivated: ask an admin to reactivate the account ('wohnlotse user edit \(name) --active')"
        case .notFound(let entity, let key, let hint):
            return "unknown \(entity) '\(key)': \(hint)"
        case .duplicate(let entity, let field, let value):
            return "a \(entity) with \(field) '\(value)' already exists: choose another \(field), or edit the existing \(entity)"
        case .forbidden(let action, let needs, let actor, let role, _, _):
            return "\(actor) (\(role.rawValue)) may not \(action): this needs \(needs); nothing was changed"
        case .invalid(let error):
            return error.description
        case .refused(let message):
            return "the database refused the change: \(message); nothing was changed"
        }
    }

    /// Turns SQLite errors into messages a user can act on.
    static func wrap(_ error: any Error, path: String) -> any Error {
        guard let dbError = error as? DatabaseError else { return error }
        switch dbError.resultCode {
        case .SQLITE_READONLY:
            return StoreError.readOnly(path: path)
        case .SQLITE_CANTOPEN:
            return StoreError.cannotOpen(path: path)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError.notADatabase(path: path, detail: dbError.message ?? "not a database")
        case .SQLITE_CONSTRAINT:
            return StoreError.refused(dbError.message ?? "constraint failed")
        default:
            return error
        }
    }
}

/// Runs a domain validation, turning its refusal into a `StoreError`.
func validating(_ body: () throws -> Void) throws {
    do { try body() } catch let error as DomainError { throw StoreError.invalid(error) }
}
