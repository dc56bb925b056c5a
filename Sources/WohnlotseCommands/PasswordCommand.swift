import ArgumentParser
import Foundation
import HousingStore
import WohnlotseWeb

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UserCommand {
    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password for the web app (admins: anyone; everyone: their own).",
            discussion: """
                Asks for the password twice without showing it. With --password-stdin it reads one line from \
                standard input instead, for scripts: printf '%s\\n' "$PASSWORD" | wohnlotse user passwd mkoch \
                --password-stdin --as admin. At least \(Passwords.minimumLength) characters. The user's open web \
                sessions are signed out.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Login name.") var name: String
        @Flag(help: "Read the password from the first line of standard input (never put it on the command line).")
        var passwordStdin = false

        func run() throws {
            let (db, actor) = try global.session("user passwd")
            // Refuse before asking: unknown user, or someone else's password without being admin.
            try db.requirePasswordChange(forUser: name, by: actor)
            let password = try readPassword()
            if let problem = Passwords.problem(with: password) { throw ValidationError(problem) }
            try db.setPasswordHash(Passwords.hash(password), forUser: name, by: actor)
            print("Set the web password of '\(name)'; their open web sessions were signed out.")
        }

        private func readPassword() throws -> String {
            if passwordStdin {
                guard let line = readLine(strippingNewline: true) else {
                    throw ValidationError("--password-stdin: standard input was empty; give the password as its first line")
                }
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard isatty(STDIN_FILENO) == 1 else {
                throw ValidationError("standard input is not a terminal: pass --password-stdin to read the password from it")
            }
            let first = try Terminal.readSecret(prompt: "New password for \(name): ")
            if let problem = Passwords.problem(with: first) { throw ValidationError(problem) }
            let second = try Terminal.readSecret(prompt: "Repeat it: ")
            guard first == second else { throw ValidationError("the two passwords differ; nothing was changed") }
            return first
        }
    }
}

/// Reading a secret from the terminal without echoing it.
enum Terminal {
    static func readSecret(prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        let haveTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if haveTerminal {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if haveTerminal { _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password was entered; nothing was changed") }
        return line
    }
}
