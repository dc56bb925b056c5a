import Foundation
import GRDB
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The web app as its users meet it: the built `wohnlotse serve` on a demo database, a real headless
/// Chromium signing in, filling the forms and following the redirects; afterwards the test reads
/// the pages the browser shows and the database file.
///
/// Chromium comes from `scripts/setup --test` (run by `make test` and CI). With
/// `WOHNLOTSE_SCREENSHOTS=DIR` set, the same walk also saves each main page at phone (360 px) and
/// desktop (1280 px) width into DIR: `scripts/screenshots` makes the pictures in `docs/` this way.
@Suite(.serialized) struct BrowserEndToEndTests {
    static let coachPassword = "Hafenstraße-Preetz-24"
    static let clerkPassword = "Zusicherung#2026-Plön"
    static let adminPassword = "Admin-Kreis-Plön-1"

    @Test func coachLogsAVisitAndTheJobCentreApprovesASuggestion() throws {
        let site = try DemoSite()
        defer { site.stop() }
        let browser = try Chromium()
        defer { browser.quit() }
        let shots = Screenshots(browser: browser)

        // Signed out, a page sends the browser to the sign-in form.
        try browser.open(site.url("/households"))
        #expect(try browser.url().contains("/login"), "an anonymous visitor was not sent to sign in")
        try shots.take("sign-in")

        // A wrong password is refused on a readable page, and nothing is signed in.
        try browser.fill("#username", with: "mkoch")
        try browser.fill("#password", with: "falsch")
        try browser.clickAndWait("main form button[type=submit]")
        #expect(try browser.url().contains("/login"))
        let refusal = try browser.text()
        #expect(refusal.contains("Passwort stimmt nicht"), "no German message for a wrong password: \(refusal.prefix(400))")

        // The coach signs in and is taken to the page asked for.
        try signIn(browser, as: "mkoch", password: Self.coachPassword)
        let landing = try browser.url()
        #expect(landing.hasSuffix("/households"), "after sign-in: \(landing)")
        let listPage = try browser.text()
        #expect(listPage.contains(site.coachCase.reference), "the coach's case is not on the household list")
        #expect(!listPage.contains(site.otherCoachCase.reference), "a colleague's unshared case is on the list")
        try shots.take("households")

        try browser.open(site.url("/agenda"))
        #expect(try browser.dom().contains("<h1"))
        try shots.take("agenda")

        try browser.open(site.url("/households/\(site.coachCase.id)"))
        #expect(try browser.text().contains(site.coachCase.givenName), "the coach does not see the members of their own case")
        try shots.take("household")

        // Log a visit through the phone-sized form.
        try browser.open(site.url("/households/\(site.coachCase.id)/visit"))
        try shots.take("visit-form")
        let note = "Browsertest: Heizen und Lüften geübt, Unterlagen für die Zusicherung besprochen"
        try browser.check("#kind-home-visit")
        try browser.fill("#visit-minutes", with: "50")
        try browser.fill("#visit-topics", with: "Heizen und Lüften, Zusicherung")
        try browser.fill("#visit-note", with: note)
        try browser.clickAndWait("main form button[type=submit]")
        let afterVisit = try browser.url()
        #expect(afterVisit.contains("/households/\(site.coachCase.id)"), "after saving the visit: \(afterVisit)")
        #expect(try browser.text().contains(note), "the household page does not show the new visit")

        let visits = try site.database.read { db in
            try Row.fetchAll(db, sql: "SELECT durationMinutes, topics, note, coachId FROM visit WHERE householdId = ? AND note = ?",
                             arguments: [site.coachCase.id, note])
        }
        #expect(visits.count == 1, "the visit is not in the database exactly once")
        #expect(visits.first?["durationMinutes"] == 50)
        #expect((visits.first?["topics"] as String?)?.contains("Heizen und Lüften") == true)
        #expect(try site.auditCount(actor: "mkoch", action: "create", entity: "visit") == 1, "writing the visit left no audit entry")

        // A form sent without the session's CSRF token (as a forged form on another site would be) is
        // refused with 403, and nothing is saved.
        try browser.open(site.url("/households/\(site.coachCase.id)/visit"))
        try browser.evaluate("document.querySelector('main form input[name=_csrf]').remove()")
        try browser.fill("#visit-note", with: "gefälschter Besuch")
        try browser.clickAndWait("main form button[type=submit]")
        #expect(try browser.status() == 403, "a form without CSRF token was not refused")
        #expect(try site.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM visit WHERE note = 'gefälschter Besuch'")
        } == 0)

        try signOut(browser)
        try browser.open(site.url("/households/\(site.coachCase.id)"))
        #expect(try browser.url().contains("/login"), "signing out did not end the session")

        // The job-centre clerk signs in, opens the review queue and the waiting suggestion.
        try signIn(browser, as: "jc-preetz", password: Self.clerkPassword)
        try browser.open(site.url("/review"))
        let queue = try browser.dom()
        #expect(queue.contains("/suggestions/\(site.pendingSuggestion)"), "the waiting suggestion is not in the review queue")
        try shots.take("review-queue")

        try browser.open(site.url("/suggestions/\(site.pendingSuggestion)"))
        let suggestionPage = try browser.text()
        #expect(suggestionPage.contains("Bruttokaltmiete"), "the clerk's page does not show the cost verdict")
        for name in site.memberNames where name.count >= 3 {
            #expect(!suggestionPage.contains(name), "the job-centre page shows the member name \(name)")
            #expect(!queue.contains(name), "the review queue shows the member name \(name)")
        }
        try shots.take("suggestion")

        // The clerk cannot open the coaches' household pages: the same 404 as a missing case.
        try browser.open(site.url("/households/\(site.coachCase.id)"))
        let refused = try browser.text()
        try browser.open(site.url("/households/999999"))
        #expect(try browser.text() == refused, "a foreign case and a missing one look different")
        #expect(!refused.contains(site.coachCase.givenName))

        // Zusicherung with a date.
        try browser.open(site.url("/suggestions/\(site.pendingSuggestion)"))
        let decisionDate = try #require(try browser.evaluate("document.querySelector('#approve-date').value") as? String)
        #expect(decisionDate.count == 10, "the decision date is not prefilled with today")
        try browser.fill("#approve-note", with: "Kaution als Darlehen gesondert beantragen")
        try browser.clickAndWait("form[action$='/approve'] button[type=submit]")
        let afterApproval = try browser.url()
        #expect(afterApproval.contains("/suggestions/\(site.pendingSuggestion)"), "after approving: \(afterApproval)")
        #expect(try site.suggestionState(site.pendingSuggestion) == "approved")
        let event = try site.database.read { db in
            try Row.fetchOne(db, sql: "SELECT actor, date FROM suggestionEvent WHERE suggestionId = ? AND toState = 'approved'",
                             arguments: [site.pendingSuggestion])
        }
        #expect(event?["actor"] == "jc-preetz")
        #expect(event?["date"] == decisionDate)
        #expect(try site.auditCount(actor: "jc-preetz", action: "review", entity: "suggestion", detail: "submitted -> approved") == 1)

        try browser.open(site.url("/suggestions/\(site.pendingSuggestion)/sheet"))
        let sheet = try browser.text()
        let parts = decisionDate.split(separator: "-")
        #expect(sheet.contains("\(parts[2]).\(parts[1]).\(parts[0])"), "the approval sheet lacks the decision date \(decisionDate)")
        try shots.take("approval-sheet")
        try signOut(browser)

        // The admin's pages, for the screenshots and to see they render for a signed-in admin.
        try signIn(browser, as: "demo", password: Self.adminPassword)
        for (path, name) in [("/admin", "admin-import-health"), ("/admin/users", "admin-users"), ("/admin/cases", "admin-cases")] {
            try browser.open(site.url(path))
            #expect(try browser.dom().contains("<h1"), "\(path) did not render")
            try shots.take(name)
        }

        // English on request.
        try browser.open(site.url("/admin?lang=en"))
        #expect(try browser.evaluate("document.documentElement.lang") as? String == "en")
    }

    /// Fills the sign-in form the browser shows and requires that it leads past it.
    private func signIn(_ browser: Chromium, as user: String, password: String) throws {
        try browser.fill("#username", with: user)
        try browser.fill("#password", with: password)
        try browser.clickAndWait("main form button[type=submit]")
        let page = try browser.text()
        #expect(!(try browser.url().contains("/login")), "\(user) could not sign in: \(page.prefix(300))")
    }

    private func signOut(_ browser: Chromium) throws {
        try browser.clickAndWait("form[action='/logout'] button")
    }
}

/// `wohnlotse demo` in a fresh directory, passwords for three demo users, and `wohnlotse serve`
/// on a free loopback port.
final class DemoSite {
    struct Case {
        var id: Int64
        var reference: String
        var givenName: String
    }

    let cli: CLIRunner
    let port: Int
    let server: Process
    let database: DatabaseQueue
    /// A case of mkoch's, one of another coach, and a suggestion waiting for the job centre.
    let coachCase: Case
    let otherCoachCase: Case
    let pendingSuggestion: Int64
    let memberNames: [String]

    init() throws {
        cli = try CLIRunner()
        try cli.installProjectData(imports: true)
        try cli.ok(["demo"])
        for (user, password) in [
            ("mkoch", BrowserEndToEndTests.coachPassword), ("jc-preetz", BrowserEndToEndTests.clerkPassword),
            ("demo", BrowserEndToEndTests.adminPassword),
        ] {
            try cli.ok(["user", "passwd", user, "--password-stdin", "--as", "demo"], stdin: password + "\n")
        }
        let path = cli.directory.appendingPathComponent("wohnlotse.sqlite").path
        database = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())

        let cases = try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT h.id, h.referenceCode, u.name AS coach,
                       (SELECT givenName FROM member m WHERE m.householdId = h.id ORDER BY m.id LIMIT 1) AS givenName
                FROM household h JOIN user u ON u.id = h.coachId
                WHERE NOT EXISTS (SELECT 1 FROM householdCoach s WHERE s.householdId = h.id)
                ORDER BY h.id
                """)
        }
        func pick(_ coach: String, not: Bool) throws -> Case {
            let row = try #require(cases.first { ($0["coach"] as String == coach) != not && $0["givenName"] as String? != nil })
            return Case(id: row["id"], reference: row["referenceCode"], givenName: row["givenName"])
        }
        coachCase = try pick("mkoch", not: false)
        otherCoachCase = try pick("mkoch", not: true)
        pendingSuggestion = try #require(try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM suggestion WHERE state = 'submitted' ORDER BY stateDate, id LIMIT 1")
        }, "the demo left no suggestion waiting for the job centre")
        memberNames = try database.read { db in
            try String.fetchAll(db, sql: "SELECT givenName FROM member UNION SELECT familyName FROM member")
        }

        port = try Self.freePort()
        server = Process()
        server.executableURL = CLIRunner.binary
        server.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"]
        server.currentDirectoryURL = cli.directory
        var environment = ProcessInfo.processInfo.environment
        environment["WOHNLOTSE_DB"] = nil
        environment["WOHNLOTSE_USER"] = nil
        server.environment = environment
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        try waitUntilServing()
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        if server.isRunning {
            server.terminate()
            server.waitUntilExit()
        }
    }

    func suggestionState(_ id: Int64) throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT state FROM suggestion WHERE id = ?", arguments: [id]) }
    }

    /// Audit entries that a form post of the web app wrote for this user, action and kind of record.
    func auditCount(actor: String, action: String, entity: String, detail: String = "") throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM auditLog
                WHERE actor = ? AND action = ? AND entity = ? AND detail LIKE 'command: web POST %' AND detail LIKE ?
                """, arguments: [actor, action, entity, "%\(detail)%"]) ?? 0
        }
    }

    private func waitUntilServing() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            guard server.isRunning else { throw BrowserError("wohnlotse serve exited with status \(server.terminationStatus)") }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return }
            usleep(100_000)
        }
        throw BrowserError("wohnlotse serve did not listen on port \(port) within 30 s")
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A port nobody listens on: bind port 0 and read what the kernel chose.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BrowserError("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Looks at each main page at phone (360 px) and desktop (1280 px) width: the page must fit without
/// sideways scrolling; with `WOHNLOTSE_SCREENSHOTS` naming a directory, it is also saved there.
struct Screenshots {
    let browser: Chromium
    let directory: URL? = ProcessInfo.processInfo.environment["WOHNLOTSE_SCREENSHOTS"].flatMap {
        $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true)
    }

    func take(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (width, suffix) in [(360, "phone"), (1280, "desktop")] {
            try browser.setViewport(width: width)
            let content = try browser.contentWidth()
            #expect(content <= width, "\(name) is \(content) px wide at \(width) px: it scrolls sideways", sourceLocation: sourceLocation)
            guard let directory else { continue }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try browser.screenshot(width: width).write(to: directory.appendingPathComponent("\(name)-\(suffix).png"))
        }
        try browser.resetViewport()
    }
}
