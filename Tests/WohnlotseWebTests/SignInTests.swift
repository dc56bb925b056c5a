import Foundation
import GRDB
import HousingDomain
import HousingStore
import Hummingbird
import Testing
@testable import WohnlotseWeb

/// Sign-in, sessions, sign-out, CSRF and throttling, against a real SQLite file.
@Suite struct SignInTests {
    @Test func signInStartsASessionWithSafeCookiesAndAuditsIt() async throws {
        let fixture = try WebFixture(secureCookies: true)
        try await fixture.withBrowser { browser async throws in
            let form = try await browser.get("/login")
            #expect(form.status == .ok)
            #expect(form.body.contains("<label for=\"username\">Benutzername</label>"))
            #expect(form.body.contains("autocomplete=\"current-password\""))
            let signedIn = try await browser.post("/login", [("_csrf", form.csrf ?? ""), ("username", "coach1"), ("password", WebFixture.password)])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.location == "/agenda")
            let cookie = try #require(signedIn.setCookies.first { $0.hasPrefix("wl_session=") })
            for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] { #expect(cookie.contains(flag), "\(cookie) lacks \(flag)") }
            let token = try #require(browser.cookies["wl_session"])
            // Only a hash of the token is stored.
            let stored = try await fixture.database.writer.read { db in try String.fetchAll(db, sql: "SELECT tokenHash FROM webSession") }
            #expect(stored == [WebApp.sha256(token)])
            #expect(!stored.contains(token))
            #expect(try fixture.audit(user: "coach1").contains { $0.action == "login" && $0.detail?.contains("web POST /login") == true })
        }
    }

    @Test func eachRoleStartsOnItsOwnPage() async throws {
        let fixture = try WebFixture()
        for (user, home) in [("coach1", "/agenda"), ("jc", "/review"), ("admin", "/admin")] {
            try await fixture.withBrowser { browser async throws in
                #expect(try await browser.signIn(user).location == home)
                #expect(try await browser.get("/").location == home)
                #expect(try await browser.get("/login").location == "/", "a signed-in user is sent on from the sign-in page")
            }
        }
    }

    @Test func signInReturnsToTheRequestedPageButNeverOffSite() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let form = try await browser.get("/login?next=/households/7")
            #expect(form.field("next") == "/households/7")
            let page = try await browser.post("/login", [("_csrf", form.csrf ?? ""), ("next", "/households/7"), ("username", "coach1"), ("password", WebFixture.password)])
            #expect(page.location == "/households/7")
        }
        // Browsers drop tabs and newlines and read "\\" as "/", so each of these would leave the site.
        for offSite in ["//evil.example/x", "/\t/evil.example/x", "/\n/evil.example", "/\\evil.example", "https://evil.example/"] {
            try await fixture.withBrowser { browser async throws in
                let form = try await browser.get("/login")
                let page = try await browser.post("/login", [("_csrf", form.csrf ?? ""), ("next", offSite), ("username", "coach1"), ("password", WebFixture.password)])
                #expect(page.location == "/agenda", "next=\(offSite.debugDescription) led to \(page.location ?? "nil")")
            }
        }
    }

    @Test func wrongPasswordOrUnknownUserGetTheSameAnswer() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let wrong = try await browser.signIn("coach1", password: "falsches Passwort!!")
            let unknown = try await browser.signIn("niemand", password: "falsches Passwort!!")
            for page in [wrong, unknown] {
                #expect(page.status == .unauthorized)
                #expect(page.body.contains("Benutzername oder Passwort stimmt nicht."))
                #expect(!page.setCookies.contains { $0.hasPrefix("wl_session=") && !$0.contains("Max-Age=0") })
            }
            #expect(browser.cookies["wl_session"] == nil)
            // The typed name is kept in the field, the password never.
            #expect(wrong.field("username") == "coach1")
            #expect(!wrong.body.contains("falsches Passwort"))
            // Failures are kept as hashes, never as typed text.
            let keys = try await fixture.database.writer.read { db in try String.fetchAll(db, sql: "SELECT nameKey FROM loginFailure") }
            #expect(keys.count == 2 && !keys.contains("coach1") && !keys.contains("niemand"))
        }
    }

    @Test func usersWithoutPasswordOrDeactivatedCannotSignIn() async throws {
        let fixture = try WebFixture()
        let admin = try fixture.actor("admin")
        _ = try fixture.database.createUser(User(name: "neu", role: .coach), by: admin)
        try await fixture.withBrowser { browser async throws in
            #expect(try await browser.signIn("neu", password: "").status == .unauthorized)
            // Deactivating a signed-in user ends their session at the next request.
            #expect(try await browser.signIn("coach2").status == .seeOther)
            _ = try fixture.database.updateUser(named: "coach2", by: admin) { $0.active = false }
            let after = try await browser.get("/")
            #expect(after.location?.hasPrefix("/login") == true)
            #expect(try await browser.signIn("coach2").status == .unauthorized)
        }
    }

    @Test func signInFormWithoutItsCookieOrTokenIsRefused() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let form = try await browser.get("/login")
            let token = try #require(form.csrf)
            let noField = try await browser.post("/login", [("username", "coach1"), ("password", WebFixture.password)])
            #expect(noField.status == .forbidden)
            #expect(noField.body.contains("Formular abgelaufen"))
            browser.forget("wl_login")
            let noCookie = try await browser.post("/login", [("_csrf", token), ("username", "coach1"), ("password", WebFixture.password)])
            #expect(noCookie.status == .forbidden)
            #expect(browser.cookies["wl_session"] == nil)
        }
    }

    @Test func signOutNeedsTheTokenAndEndsTheSession() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            try await browser.signIn("coach1")
            let token = try #require(browser.cookies["wl_session"])
            let forged = try await browser.post("/logout", [])
            #expect(forged.status == .forbidden)
            #expect(try await fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webSession") } == 1)

            let page = try await browser.get("/nope")
            let out = try await browser.post("/logout", [("_csrf", page.csrf ?? "")])
            #expect(out.status == .seeOther)
            #expect(out.location == "/login?signedout=1")
            #expect(try await fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webSession") } == 0)
            #expect(try await browser.get("/login?signedout=1").body.contains("Sie sind abgemeldet."))
            // The old cookie does not come back to life.
            browser.set("wl_session", token)
            let stale = try await browser.get("/")
            #expect(stale.location == "/login?expired=1")
            #expect(try fixture.audit(user: "coach1").contains { $0.action == "logout" })
        }
    }

    @Test func sessionsEndWhenIdleAndAfterTheirAbsoluteLifetime() async throws {
        var setup = try WebFixture()
        setup.configuration.idleTimeout = 600
        setup.configuration.absoluteTimeout = 1800
        let fixture = setup
        try await fixture.withBrowser { browser async throws in
            try await browser.signIn("coach1")
            fixture.clock.advance(599)
            #expect(try await browser.get("/").location == "/agenda")
            fixture.clock.advance(599)
            #expect(try await browser.get("/").location == "/agenda", "each request keeps the session alive")
            fixture.clock.advance(601)
            #expect(try await browser.get("/").location == "/login?expired=1", "idle too long")
        }
        try await fixture.withBrowser { browser async throws in
            try await browser.signIn("coach1")
            for _ in 0..<3 {
                fixture.clock.advance(590)
                #expect(try await browser.get("/").location == "/agenda")
            }
            fixture.clock.advance(100)
            let page = try await browser.get("/")
            #expect(page.location == "/login?expired=1", "past the absolute lifetime however active")
            #expect(try await browser.get("/login?expired=1").body.contains("Ihre Sitzung ist abgelaufen."))
        }
    }

    @Test func fiveFailuresForANameBlockItForFifteenMinutes() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            for i in 0..<5 {
                browser.address = "198.51.100.\(i + 1)"  // from different places: the name counts
                #expect(try await browser.signIn("coach1", password: "nicht das Passwort").status == .unauthorized)
            }
            browser.address = "198.51.100.99"
            let blocked = try await browser.signIn("coach1")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.body.contains("Zu viele Anmeldeversuche"))
            #expect(blocked.body.contains("in 15 Minuten"))
            #expect(blocked.headers[.retryAfter] == "900")
            #expect(browser.cookies["wl_session"] == nil)
            // Other users are not affected.
            #expect(try await browser.signIn("coach2").status == .seeOther)
            browser.forget("wl_session")
            fixture.clock.advance(15 * 60 + 1)
            #expect(try await browser.signIn("coach1").status == .seeOther)
        }
    }

    @Test func fiveFailuresFromAnAddressBlockIt() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            browser.address = "203.0.113.7"
            for name in ["a1", "a2", "a3", "a4", "a5"] {
                #expect(try await browser.signIn(name, password: "nicht das Passwort").status == .unauthorized)
            }
            #expect(try await browser.signIn("coach1").status == .tooManyRequests)
            browser.address = "203.0.113.8"
            #expect(try await browser.signIn("coach1").status == .seeOther)
        }
    }

    @Test func aBurstOfParallelGuessesIsHeldToTheLimitToo() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let client = browser.client
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let guesser = Browser(client: client)
                        guesser.address = "203.0.113.50"
                        return try await guesser.signIn("coach1", password: "geraten, nicht gewusst").status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 5, "\(statuses.map(\.code))")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 7, "\(statuses.map(\.code))")
        }
    }

    @Test func passwordRules() {
        #expect(Passwords.problem(with: "kurz") != nil)
        #expect(Passwords.problem(with: String(repeating: "ä", count: 40)) != nil, "80 bytes: bcrypt would cut it")
        #expect(Passwords.problem(with: " mit Leerzeichen vorn") != nil)
        #expect(Passwords.problem(with: "drei lange Wörter") == nil)
        let hash = Passwords.hash("drei lange Wörter", cost: 4)
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(Passwords.verify("drei lange Wörter", hash: hash))
        #expect(!Passwords.verify("drei lange Worter", hash: hash))
    }
}
