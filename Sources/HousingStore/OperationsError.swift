import Foundation

/// What the privacy and operations commands (erase, backup, restore) refuse, each with what to do.
public enum OperationsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `--confirm` did not repeat what it must (the reference code for an erasure).
    case confirmationMismatch(expected: String, given: String)
    /// The household's personal data was erased already.
    case alreadyErased(household: String)
    /// The backup target exists; a backup never overwrites a file.
    case targetExists(path: String)
    /// The backup could not be written.
    case cannotWrite(path: String, detail: String)
    /// The backup to restore from does not exist.
    case backupMissing(path: String)
    /// The backup is damaged (integrity check failed, or SQLite cannot read it).
    case backupDamaged(path: String, detail: String)
    /// The file is readable but is not a Wohnlotse database.
    case notWohnlotse(path: String, detail: String)
    /// The backup was written by a newer Wohnlotse than this one.
    case backupTooNew(path: String, unknownMigrations: [String])
    /// The backup's audit log does not verify: it may have been altered.
    case backupAuditBroken(path: String, rowID: Int64, reason: String)
    /// `<db>.before-restore` from an earlier restore is still there.
    case previousRestoreKept(path: String)
    /// Replacing the live file failed; the message says what state it is in.
    case restoreFailed(detail: String)

    public var description: String {
        switch self {
        case .confirmationMismatch(let expected, let given):
            return "--confirm '\(given)' does not repeat \(expected): give --confirm with exactly that, to show you mean this case; nothing was changed"
        case .alreadyErased(let household):
            return "the personal data of \(household) was erased already; nothing was changed"
        case .targetExists(let path):
            return "\(path) exists already: a backup never overwrites a file; choose a new name (e.g. with the date) or move the old file away"
        case .cannotWrite(let path, let detail):
            return "cannot write the backup \(path) (\(detail)): check that the folder exists, that you may write there and that the disk has room"
        case .backupMissing(let path):
            return "no backup at \(path): give the path of a file made by 'wohnlotse backup'; nothing was changed"
        case .backupDamaged(let path, let detail):
            return "the backup \(path) is damaged (\(detail)): use an older backup; nothing was changed"
        case .notWohnlotse(let path, let detail):
            return "\(path) is not a Wohnlotse database (\(detail)): give a file made by 'wohnlotse backup'; nothing was changed"
        case .backupTooNew(let path, let unknown):
            return "the backup \(path) was written by a newer Wohnlotse (unknown migrations: \(unknown.joined(separator: ", "))): upgrade wohnlotse before restoring it; nothing was changed"
        case .backupAuditBroken(let path, let rowID, let reason):
            return "the audit log in the backup \(path) does not verify: row \(rowID) \(reason); the backup may have been altered, so it is not restored: use another backup; nothing was changed"
        case .previousRestoreKept(let path):
            return "\(path) is still there from an earlier restore: move it somewhere safe (or delete it once you no longer need it) and run the restore again; nothing was changed"
        case .restoreFailed(let detail):
            return "the restore failed: \(detail)"
        }
    }
}
