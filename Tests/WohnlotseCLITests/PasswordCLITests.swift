import Foundation
import HousingStore
import Testing
import WohnlotseWeb

/// `wohnlotse user passwd`: who may set which password, and how it is read.
@Suite struct PasswordCLITests {
    func setUp() throws -> CLIRunner {
        let cli = try CLIRunner(environment: ["WOHNLOTSE_USER": "admin"])
        try cli.ok(["init"])
        try cli.ok(["user", "add", "mkoch", "--role", "coach"])
        try cli.ok(["user", "add", "tberg", "--role", "coach"])
        return cli
    }

    func hash(_ cli: CLIRunner, _ name: String) throws -> String? {
        let db = try AppDatabase.open(path: cli.directory.appendingPathComponent("wohnlotse.sqlite").path)
        return try db.loginRecord(name: name)?.passwordHash
    }

    @Test func anAdminSetsAPasswordFromStandardInput() throws {
        let cli = try setUp()
        let result = try cli.ok(["user", "passwd", "mkoch", "--password-stdin"], stdin: "ein gutes Passwort\n")
        #expect(result.stdout.contains("Set the web password of 'mkoch'"))
        let stored = try #require(try hash(cli, "mkoch"))
        #expect(stored.hasPrefix("$2b$12$"))
        #expect(Passwords.verify("ein gutes Passwort", hash: stored))
        #expect(!result.output.contains("ein gutes Passwort"))
        // The audit log records that it was set, never the hash.
        let audit = try cli.ok(["audit", "--user", "admin"])
        #expect(audit.stdout.contains("password"))
        #expect(!audit.stdout.contains(stored))
    }

    @Test func aUserSetsTheirOwnButNotAnothersPassword() throws {
        let cli = try setUp()
        try cli.ok(["user", "passwd", "mkoch", "--password-stdin", "--as", "mkoch"], stdin: "mein eigenes Passwort\n")
        let refused = try cli.run(["user", "passwd", "tberg", "--password-stdin", "--as", "mkoch"], stdin: "fremdes Passwort!!\n")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("mkoch (coach) may not set another user's password: this needs an admin"))
        #expect(try hash(cli, "tberg") == nil)
    }

    @Test(arguments: [
        ("kurz\n", "the password is too short: use at least 12 characters"),
        ("\n", "the password is too short"),
        ("", "--password-stdin: standard input was empty"),
        (String(repeating: "ä", count: 40) + "\n", "the password is too long: use at most 72 bytes"),
    ])
    func badPasswordsAreRefusedAndNothingChanges(input: String, message: String) throws {
        let cli = try setUp()
        let result = try cli.run(["user", "passwd", "mkoch", "--password-stdin"], stdin: input)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try hash(cli, "mkoch") == nil)
    }

    @Test func withoutATerminalItAsksForTheFlag() throws {
        let cli = try setUp()
        let result = try cli.run(["user", "passwd", "mkoch"], stdin: "ein gutes Passwort\n")
        #expect(result.status == 64)
        #expect(result.stderr.contains("standard input is not a terminal: pass --password-stdin"))
        #expect(try hash(cli, "mkoch") == nil)
    }

    @Test func anUnknownUserIsNamedBeforeAnythingIsRead() throws {
        let cli = try setUp()
        let result = try cli.run(["user", "passwd", "niemand", "--password-stdin"], stdin: "ein gutes Passwort\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("unknown user 'niemand'"))
    }

    @Test func serveRefusesABadPortAndNamesItsOptions() throws {
        let cli = try setUp()
        let bad = try cli.run(["serve", "--port", "0"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--port must be 1 to 65535"))
        let help = try cli.ok(["serve", "--help"])
        for option in ["--host <host>", "--port <port>", "--secure-cookies", "--trust-proxy", "--db <path>"] {
            #expect(help.stdout.contains(option), "missing \(option)")
        }
    }
}
