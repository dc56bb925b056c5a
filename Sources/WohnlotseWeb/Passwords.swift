import Foundation
import HummingbirdBcrypt

/// Password hashing and the rules a new password must meet; shared by `wohnlotse user passwd`
/// and the web sign-in.
public enum Passwords {
    /// bcrypt cost (2^12 rounds, a few hundred milliseconds per check).
    public static let cost: UInt8 = 12
    /// At least this many characters.
    public static let minimumLength = 12
    /// bcrypt reads at most 72 bytes; a longer password would be cut without a word.
    public static let maximumBytes = 72

    /// Why `password` is not acceptable, in words for the user; nil when it is.
    public static func problem(with password: String) -> String? {
        if password.count < minimumLength {
            return "the password is too short: use at least \(minimumLength) characters (a few words make a good one)"
        }
        if password.utf8.count > maximumBytes {
            return "the password is too long: use at most \(maximumBytes) bytes (bcrypt ignores the rest)"
        }
        if password.trimmingCharacters(in: .whitespacesAndNewlines) != password {
            return "the password starts or ends with a space or line break: remove it"
        }
        return nil
    }

    /// A bcrypt hash of `password` with a fresh salt.
    public static func hash(_ password: String, cost: UInt8 = Passwords.cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}

/// Runs bcrypt checks at most one per core at a time. Each costs a few hundred milliseconds of CPU;
/// unbounded, a flood of sign-in attempts would occupy every thread the pages need. Attempts are
/// throttled per name and address before they get here, so the queue stays short.
final class PasswordChecks: @unchecked Sendable {
    private let queue: OperationQueue

    init(width: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        queue = OperationQueue()
        queue.name = "wohnlotse.password-checks"
        queue.maxConcurrentOperationCount = width
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.addOperation { continuation.resume(with: Result { try body() }) }
        }
    }
}
