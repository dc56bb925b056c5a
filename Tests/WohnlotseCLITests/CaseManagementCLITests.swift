import Foundation
import GRDB
import Testing

/// Every row of every table, for "nothing changed" checks.
func databaseDump(_ path: String) throws -> String {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { db in
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        return try tables.map { table in
            // Refused attempts are audited and change nothing else (PrivacyStoreTests check their rows).
            let filter = table == "auditLog" ? " WHERE action <> 'refused'" : ""
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"\(filter) ORDER BY rowid")
            return "\(table): " + rows.map(\.description).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

/// The value of a `label: value` line in human output.
func field(_ label: String, in output: String) -> String? {
    output.split(separator: "\n").first { $0.hasPrefix(label + ":") }
        .map { $0.dropFirst(label.count + 1).trimmingCharacters(in: .whitespaces) }
}

/// A runner with an initialised database, an admin and a coach, as `WOHNLOTSE_USER=mkoch`.
func coachRunner() throws -> CLIRunner {
    let cli = try CLIRunner(environment: ["WOHNLOTSE_TODAY": "2026-03-01"])
    try cli.installProjectData()
    try cli.ok(["init", "--admin", "admin"])
    try cli.ok(["user", "add", "mkoch", "--role", "coach", "--as", "admin"])
    try cli.ok(["user", "add", "jc", "--role", "jobcentre", "--as", "admin"])
    var runner = cli
    runner.environment["WOHNLOTSE_USER"] = "mkoch"
    return runner
}

@Suite struct CaseManagementCLITests {
    @Test func createListEditShowJSONAndAgenda() throws {
        let cli = try coachRunner()
        let add = try cli.ok(["household", "add", "--ref", "PLÖ-2026-014", "--languages", "ar,de", "--deadline", "2026-03-10", "--step-free"])
        #expect(add.stdout.contains("Opened case PLÖ-2026-014"))
        try cli.ok(["member", "add", "--household", "PLÖ-2026-014", "--given", "Amal", "--family", "Haddad", "--born", "1988-04-02", "--role", "applicant"])
        try cli.ok(["member", "add", "--household", "plö-2026-014", "--given", "Yusuf", "--family", "Haddad", "--born", "2015-09-30", "--role", "child"])
        try cli.ok(["anchor", "add", "--household", "PLÖ-2026-014", "--member", "1", "--kind", "training", "--label", "Berufsschule Plön",
            "--postal-code", "24306", "--place", "Plön", "--days", "2"])
        try cli.ok(["visit", "add", "--household", "PLÖ-2026-014", "--kind", "home-visit", "--minutes", "45", "--date", "2026-02-20",
            "--note", "Mould in the bathroom", "--follow-up", "2026-02-27"])

        let list = try cli.ok(["household", "list"])
        #expect(list.stdout.contains("PLÖ-2026-014  intake  2        mkoch  2026-03-10"), "\(list.stdout)")
        #expect(!list.stdout.contains("Haddad"), "the list shows no names")

        try cli.ok(["household", "edit", "PLÖ-2026-014", "--deadline", "2026-04-30", "--no-step-free", "--pets"])
        try cli.ok(["household", "stage", "PLÖ-2026-014", "coaching", "--note", "first meeting"])

        let show = try cli.ok(["household", "show", "PLÖ-2026-014"])
        #expect(show.stdout.hasPrefix("Case PLÖ-2026-014 (id 1) — coaching"))
        #expect(field("needs", in: show.stdout) == "pets")
        #expect(field("move window", in: show.stdout) == "now to 2026-04-30")
        #expect(show.stdout.contains("1   Amal Haddad   1988-04-02  37   applicant"), "\(show.stdout)")
        #expect(show.stdout.contains("1   training  Berufsschule Plön"))
        #expect(show.stdout.contains("intake  coaching  mkoch  first meeting"))

        // JSON round trip: what `show --json` prints decodes to the same values.
        let json = try cli.ok(["household", "show", "PLÖ-2026-014", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let household = try #require(object["household"] as? [String: Any])
        #expect(household["referenceCode"] as? String == "PLÖ-2026-014")
        #expect(household["deadline"] as? String == "2026-04-30")
        #expect((household["needs"] as? [String: Any])?["pets"] as? Bool == true)
        #expect((object["members"] as? [[String: Any]])?.compactMap { $0["birthDate"] as? String } == ["1988-04-02", "2015-09-30"])

        let agenda = try cli.ok(["agenda"])
        #expect(agenda.stdout.contains("Follow-ups due (1)"))
        #expect(agenda.stdout.contains("2026-02-27  2 d      PLÖ-2026-014"), "\(agenda.stdout)")
        #expect(agenda.stdout.contains("Deadlines (0)"), "the deadline moved beyond 14 days")
        let agendaJSON = try cli.ok(["agenda", "--days", "90", "--json"])
        #expect(agendaJSON.stdout.contains("\"daysLeft\" : 60"))
    }

    @Test func listingsLandlordsAndCourses() throws {
        let cli = try coachRunner()
        try cli.ok(["landlord", "add", "Baugenossenschaft Probstei eG", "--kind", "cooperative", "--openness", "open", "--phone", "04344 1234"])
        try cli.ok(["landlord", "contact", "1", "--channel", "phone", "--outcome", "3-room flat in May", "--follow-up", "2026-03-01"])
        let landlord = try cli.ok(["landlord", "show", "1"])
        #expect(field("openness", in: landlord.stdout) == "open (recorded 2026-03-01 by mkoch)", "\(landlord.stdout)")
        #expect(landlord.stdout.contains("2026-03-01  mkoch  phone    3-room flat in May  2026-03-01"))

        let added = try cli.ok(["listing", "add", "--postal-code", "24306", "--place", "Plön", "--rooms", "2,5", "--area", "61.5",
            "--rent", "410,50", "--operating", "95", "--heating", "80", "--landlord", "1"])
        #expect(added.stdout.contains("2.5 rooms, 61.5 m², Bruttokaltmiete 505.50 €"), "\(added.stdout)")
        try cli.ok(["listing", "edit", "1", "--rent", "420", "--status", "reserved"])
        let shown = try cli.ok(["listing", "show", "1"])
        #expect(field("Bruttokaltmiete", in: shown.stdout) == "515.00 €", "\(shown.stdout)")
        #expect(shown.stdout.contains("Price history"))
        let cheap = try cli.ok(["listing", "list", "--max-rent", "510"])
        #expect(cheap.stdout == "(none)\n")

        try cli.ok(["household", "add", "--ref", "K-1"])
        try cli.ok(["member", "add", "--household", "K-1", "--given", "Semhar", "--family", "Tesfay", "--born", "2003-11-12", "--role", "applicant"])
        try cli.ok(["course", "add", "Wohnschule", "--modules", "lease,heating-airing"])
        try cli.ok(["course", "session", "--course", "1", "--date", "2026-02-20", "--time", "10:00", "--place", "Plön", "--trainer", "A. Jensen",
            "--language", "ti", "--capacity", "8", "--modules", "lease,heating-airing"])
        try cli.ok(["course", "attend", "--session", "1", "--present", "1"])
        let course = try cli.ok(["course", "show", "1"])
        #expect(course.stdout.contains("Semhar Tesfay  1        earned 2026-02-20"), "\(course.stdout)")
        #expect(try cli.ok(["agenda"]).stdout.contains("Certificates earned (1)"))
    }

    /// The clerk's question for a stored case: a 3-person household, a flat in Preetz (region II,
    /// limit 570.00 €): 450.00 + 120.01 = 570.01 € is one cent over.
    @Test func rulesCheckJudgesAStoredHouseholdAndListing() throws {
        let cli = try coachRunner()
        try cli.ok(["household", "add", "--ref", "R-1"])
        for (given, born) in [("A", "1990-01-01"), ("B", "1992-02-02"), ("C", "2020-03-03")] {
            try cli.ok(["member", "add", "--household", "R-1", "--given", given, "--family", "X", "--born", born, "--role", "other-relative"])
        }
        try cli.ok(["listing", "add", "--postal-code", "24211", "--place", "Preetz", "--rooms", "3", "--area", "70", "--rent", "450", "--operating", "120.01"])
        let over = try cli.run(["rules", "check", "--household", "R-1", "--listing", "1", "--on", "2026-03-01"])
        #expect(over.status == 0)
        #expect(over.stdout.hasPrefix("NOT APPROPRIATE — 0.01 € over the limit"), "\(over.stdout)")
        #expect(over.stdout.contains("Vergleichsraum II West"))
        try cli.ok(["listing", "edit", "1", "--operating", "120"])
        let exact = try cli.ok(["rules", "check", "--household", "R-1", "--listing", "1", "--on", "2026-03-01", "--json"])
        #expect(exact.stdout.contains("\"verdict\" : \"appropriate\""))
        #expect(exact.stdout.contains("\"headroom\" : \"0.00\""), "\(exact.stdout)")
        let mixed = try cli.run(["rules", "check", "--household", "R-1", "--listing", "1", "--size", "3"])
        #expect(mixed.status == 64)
    }

    @Test func helpNamesEveryCommandFamily() throws {
        let cli = try CLIRunner()
        let help = try cli.ok(["--help"])
        for command in ["init", "household", "member", "anchor", "visit", "agenda", "landlord", "listing", "course", "user", "audit", "demo"] {
            #expect(help.stdout.contains("\n  \(command) "), "missing \(command)")
        }
        let stage = try cli.ok(["household", "stage", "--help"])
        #expect(stage.stdout.contains("USAGE: wohnlotse household stage [--db <path>] [--as <user>] [--json] [--rules <dir>] <household> <stage>"))
        #expect(stage.stdout.contains("(values: intake, coaching, searching,"))
    }

    @Test func demoSeedsAndRefusesForeignFiles() throws {
        let cli = try CLIRunner(environment: ["WOHNLOTSE_TODAY": "2026-03-01"])
        try cli.installProjectData()
        let demo = try cli.ok(["demo"])
        #expect(demo.stdout.contains("12 households"))
        try cli.ok(["demo"])
        try Data().write(to: cli.directory.appendingPathComponent("mine.sqlite"))
        let refused = try cli.run(["demo", "--db", "mine.sqlite"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("mine.sqlite exists and is not a demo database"))
    }
}

/// Bad input: one clear line, a non-zero exit, and the database exactly as it was.
@Suite struct BadInputCLITests {
    static let cases: [(args: [String], message: String)] = [
        (["household", "show", "NOPE"], "unknown household 'NOPE': give the reference code (Aktenzeichen) or id"),
        (["household", "add", "--ref", "X-2", "--deadline", "2026-02-30"], "'2026-02-30' is not a date: use YYYY-MM-DD"),
        (["listing", "add", "--postal-code", "24306", "--place", "Plön", "--rooms", "2", "--area", "50", "--rent=-400", "--operating", "80"],
         "'-400' is negative"),
        (["household", "stage", "PLÖ-1", "moved-in"], "cannot move a case from intake to moved-in: from intake it can go to coaching, closed"),
        (["member", "add", "--household", "PLÖ-1", "--given", "A", "--family", "B", "--born", "2027-01-01", "--role", "child"],
         "a birth date cannot be in the future (today is 2026-03-01)"),
        (["household", "add", "--ref", "plö-1"], "a household with reference code 'plö-1' already exists"),
        (["household", "stage", "PLÖ-1", "flying"], "'flying'"),
        (["household", "list", "--as", "nobody"], "unknown user 'nobody'"),
        (["user", "add", "x", "--role", "admin"], "mkoch (coach) may not add users: this needs an admin; nothing was changed"),
        (["household", "list", "--as", "jc"], "jc (jobcentre) may not list households"),
        (["anchor", "add", "--household", "PLÖ-1", "--kind", "job", "--label", "x", "--days", "9", "--postal-code", "24306", "--place", "Plön"],
         "invalid days per week '9': give 1 to 7"),
        (["listing", "add", "--postal-code", "2430", "--place", "Plön", "--rooms", "2", "--area", "50", "--rent", "400", "--operating", "80"],
         "'2430' is not a postal code"),
    ]

    @Test(arguments: cases)
    func refusesWithoutChangingData(args: [String], message: String) throws {
        let cli = try coachRunner()
        try cli.ok(["household", "add", "--ref", "PLÖ-1"])
        let path = cli.directory.appendingPathComponent("wohnlotse.sqlite").path
        let before = try databaseDump(path)
        let result = try cli.run(args)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "stderr was: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try databaseDump(path) == before, "the database changed")
    }

    @Test func missingDatabaseIsNotCreated() throws {
        let cli = try CLIRunner()
        let result = try cli.run(["household", "list", "--as", "admin", "--db", "typo.sqlite"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no database at typo.sqlite: run 'wohnlotse init'"))
        #expect(!FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("typo.sqlite").path))
    }

    @Test func corruptDatabaseIsReportedAndLeftAlone() throws {
        let cli = try CLIRunner()
        let file = cli.directory.appendingPathComponent("broken.sqlite")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try garbage.write(to: file)
        let result = try cli.run(["household", "list", "--as", "admin", "--db", "broken.sqlite"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("broken.sqlite is not a Wohnlotse database or is damaged"), "\(result.stderr)")
        #expect(try Data(contentsOf: file) == garbage)
    }

    @Test func newerSchemaIsRefused() throws {
        let cli = try coachRunner()
        let path = cli.directory.appendingPathComponent("wohnlotse.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-next-year')") }
        try queue.close()
        let result = try cli.run(["household", "list"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("was written by a newer Wohnlotse (unknown migrations: v99-next-year): upgrade wohnlotse"))
    }

    /// Root may write any file, so the read-only case runs the binary as an unprivileged user.
    @Test func readOnlyDatabaseIsRefused() throws {
        let cli = try coachRunner()
        let path = cli.directory.appendingPathComponent("wohnlotse.sqlite").path
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
            let result = try cli.run(["household", "list"])
            #expect(result.stderr.contains("is read-only"))
            return
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.directory.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let before = try databaseDump(path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", CLIRunner.binary.path, "household", "list", "--as", "mkoch", "--db", path]
        process.currentDirectoryURL = cli.directory
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(message.contains("the database \(path) is read-only"), "\(message)")
        #expect(try databaseDump(path) == before)
    }
}
