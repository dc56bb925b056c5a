import Foundation
import HousingDomain
import HousingStore
import Hummingbird
import Testing
@testable import WohnlotseWeb

/// The admin's pages: import health, users, case assignments.
@Suite struct AdminPagesTests {
    func run(_ source: String, _ outcome: ImportRunRecord.Outcome, at: String, new: Int = 0, error: String? = nil) -> ImportRunRecord {
        var counts = ReconcileCounts()
        counts.new = new
        return ImportRunRecord(
            source: source, startedAt: at, finishedAt: at, outcome: outcome, httpStatus: outcome == .failed ? 503 : 200, bytes: 1000, scope: "full",
            counts: counts, skipped: 0, warnings: 0, error: error, diagnostics: [])
    }

    @Test func importHealthShowsTheLastRunPerSourceAndFailures() async throws {
        var setup = try WebFixture()
        setup.configuration.importSources = ["probstei-wohnbau", "amt-luetjenburg"]
        let fixture = setup
        try fixture.database.recordRun(run("probstei-wohnbau", .imported, at: "2026-02-27T05:30:00Z", new: 12))
        try fixture.database.recordRun(run("probstei-wohnbau", .failed, at: "2026-02-28T05:30:00Z", error: "HTTP 503 from the server after 3 attempts"))
        try fixture.database.recordRun(run("probstei-wohnbau", .failed, at: "2026-03-01T05:30:00Z", error: "HTTP 503 from the server after 3 attempts"))
        try fixture.database.recordRun(run("kiel-immo", .imported, at: "2026-03-01T05:31:00Z", new: 3))
        try await fixture.signedIn(as: "admin") { browser async throws in
            let page = try await browser.get("/admin")
            #expect(page.status == .ok)
            #expect(page.body.contains("Import der Wohnungsangebote"))
            // A configured source that never ran, one failing, one fine.
            #expect(page.body.contains("amt-luetjenburg<br><span class=\"bad\">Kein Lauf in den letzten 3 Tagen"))
            #expect(page.body.contains("2026-03-01 05:30 UTC"))
            #expect(page.body.contains("<span class=\"bad\">fehlgeschlagen</span>"))
            #expect(page.body.contains("HTTP 503 from the server after 3 attempts"))
            #expect(page.body.contains("data-label=\"Fehlschläge seither\">2</td>"))
            #expect(page.body.contains("2026-02-27 05:30 UTC"), "last success")
            #expect(page.body.contains("3 neu, 0 geändert"))
            #expect(!page.body.contains("Alle Quellen sind in Ordnung."))
        }
    }

    @Test func usersListAddAndDeactivate() async throws {
        let fixture = try WebFixture()
        _ = try fixture.database.createUser(User(name: "ohnepw", role: .coach), by: try fixture.actor("admin"))
        try await fixture.signedIn(as: "admin") { browser async throws in
            let page = try await browser.get("/admin/users")
            #expect(page.status == .ok)
            #expect(page.body.contains("<td data-label=\"Benutzername\">coach1</td><td data-label=\"Name\">Carla Coach</td>"))
            #expect(page.body.contains("<td data-label=\"Benutzername\">ohnepw</td>"))
            #expect(page.body.contains("wohnlotse user passwd NAME"))
            let token = page.csrf ?? ""
            let added = try await browser.post("/admin/users", [("_csrf", token), ("name", "neu.coach"), ("displayName", "Neue Kollegin"), ("role", "coach")])
            #expect(added.location == "/admin/users?ok=user")
            let duplicate = try await browser.post("/admin/users", [("_csrf", token), ("name", "coach1"), ("role", "coach")])
            #expect(duplicate.status == .unprocessableContent)
            #expect(duplicate.body.contains("Nicht gespeichert: a user with name &#39;coach1&#39; already exists"))
            let badName = try await browser.post("/admin/users", [("_csrf", token), ("name", "mit leerzeichen"), ("role", "coach")])
            #expect(badName.status == .unprocessableContent)
            let off = try await browser.post("/admin/users/active", [("_csrf", token), ("name", "coach2"), ("active", "0")])
            #expect(off.status == .seeOther)
            let lastAdmin = try await browser.post("/admin/users/active", [("_csrf", token), ("name", "admin"), ("active", "0")])
            #expect(lastAdmin.status == .unprocessableContent)
            #expect(lastAdmin.body.contains("last active admin"))
        }
        let users = try fixture.database.users(by: try fixture.actor("admin"))
        #expect(users.first { $0.name == "neu.coach" }?.displayName == "Neue Kollegin")
        #expect(users.first { $0.name == "coach2" }?.active == false)
        #expect(users.first { $0.name == "admin" }?.active == true)
        #expect(!users.contains { $0.name == "mit leerzeichen" })
        #expect(try fixture.audit(user: "admin").contains { $0.entity == "user" && $0.action == "create" && $0.detail?.contains("web POST /admin/users") == true })
    }

    @Test func assigningAndSharingCases() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-401")
        let admin = try fixture.actor("admin")
        try await fixture.signedIn(as: "admin") { browser async throws in
            let page = try await browser.get("/admin/cases")
            #expect(page.body.contains("<h2>\(seeded.reference) <span class=\"muted\">· Wohnungssuche</span></h2>"))
            let token = page.csrf ?? ""
            let shared = try await browser.post("/admin/cases/\(seeded.householdID)/share", [("_csrf", token), ("coach", "coach2")])
            #expect(shared.location == "/admin/cases?ok=assignment")
            #expect(try fixture.database.caseAssignments(by: admin).first?.sharedWith == ["coach2"])
            let twice = try await browser.post("/admin/cases/\(seeded.householdID)/share", [("_csrf", token), ("coach", "coach1")])
            #expect(twice.status == .unprocessableContent)
            #expect(twice.body.contains("already the coach in charge"))
            _ = try await browser.post("/admin/cases/\(seeded.householdID)/unshare", [("_csrf", token), ("coach", "coach2")])
            _ = try await browser.post("/admin/cases/\(seeded.householdID)/coach", [("_csrf", token), ("coach", "coach2")])
            #expect(try await browser.post("/admin/cases/999999/coach", [("_csrf", token), ("coach", "coach2")]).status == .notFound)
            #expect(try await browser.post("/admin/cases/\(seeded.householdID)/coach", [("_csrf", ""), ("coach", "coach1")]).status == .forbidden)
        }
        let team = try #require(try fixture.database.caseAssignments(by: admin).first)
        #expect(team.coach == "coach2" && team.sharedWith.isEmpty)
        // The new coach works on the case; the former one no longer sees it.
        try await fixture.signedIn(as: "coach2") { browser async throws in
            #expect(try await browser.get("/households/\(seeded.householdID)").status == .ok)
        }
        try await fixture.signedIn(as: "coach1") { browser async throws in
            #expect(try await browser.get("/households/\(seeded.householdID)").status == .notFound)
        }
    }
}
