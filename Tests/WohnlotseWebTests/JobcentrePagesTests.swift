import Foundation
import HousingDomain
import HousingStore
import Hummingbird
import Testing
@testable import WohnlotseWeb

/// The job centre's pages: the review queue, a suggestion with its explanation, the decision and
/// the printable sheet — and never a name, note or health detail.
@Suite struct JobcentrePagesTests {
    @Test func queueShowsTheCostVerdictFirstOldestFirst() async throws {
        let fixture = try WebFixture()
        let newer = try fixture.seedCase("PLÖ-2026-201", given: "Zzyzxa", submittedOn: WebFixture.today)
        let older = try fixture.seedCase("PLÖ-2026-202", coach: "coach2", given: "Vvorlan", family: "Ptrakova", submittedOn: WebFixture.today.adding(days: -2), rent: 520_00)
        try await fixture.signedIn(as: "jc") { browser async throws in
            let queue = try await browser.get("/review")
            #expect(queue.status == .ok)
            #expect(queue.body.contains("<h1>Prüfliste</h1>"))
            let first = try #require(queue.body.range(of: older.reference)), second = try #require(queue.body.range(of: newer.reference))
            #expect(first.lowerBound < second.lowerBound, "oldest first")
            // The verdict column comes first in each row, then limit, Bruttokaltmiete, headroom, heating.
            let header = try #require(queue.body.range(of: "<thead>").map { queue.body[$0.lowerBound...] })
            let columns = ["KdU-Prüfung", "Angemessenheitsgrenze", "Bruttokaltmiete", "Spielraum / Überschreitung", "Heizkosten", "Aktenzeichen"]
            let positions = columns.compactMap { header.range(of: $0)?.lowerBound }
            #expect(positions.count == columns.count && positions == positions.sorted(), "columns in order: \(columns)")
            // 2 persons in Plön: limit 430 €. 300 + 90 is within by 40 €, 520 + 90 over by 180 €.
            #expect(queue.body.contains("<span class=\"ok\">angemessen</span>"))
            #expect(queue.body.contains("<span class=\"ok\">Spielraum 40,00 €</span>"))
            #expect(queue.body.contains("<span class=\"bad\">nicht angemessen</span>"))
            #expect(queue.body.contains("<span class=\"bad\">Überschreitung 180,00 €</span>"))
            #expect(queue.body.contains("430,00 €"))
            for secret in newer.secrets + older.secrets { #expect(!queue.body.contains(secret), "the queue shows \(secret)") }
        }
        // Each case shown is audited like 'match review'.
        let reads = try fixture.audit(user: "jc").filter { $0.detail?.contains("web GET /review") == true }
        #expect(Set(reads.compactMap(\.householdID)) == [newer.householdID, older.householdID])
    }

    @Test func suggestionPageExplainsWithoutPersonalData() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-203")
        try await fixture.signedIn(as: "jc") { browser async throws in
            let page = try await browser.get("/suggestions/\(seeded.suggestionID)")
            #expect(page.status == .ok)
            for text in ["Kosten der Unterkunft", "Angemessenheitsgrenze", "Bruttokaltmiete", "Warum diese Wohnung", "Zusicherung erteilen", "Zusicherung ablehnen",
                         "Lange Straße 7", "im Matching-Lauf 1."] {
                #expect(page.body.contains(text), "missing \(text)")
            }
            // Persons and ages, but no names; places only as neutral marks with their kind (therapy as
            // "other"), never the labels the coach typed.
            #expect(page.body.contains("<dt>Alter</dt><dd>35, 10</dd>"))
            #expect(page.body.contains("A1") && page.body.contains("A2"))
            for label in ["Werkstatt am See", "Traumatherapie", "Therapie"] { #expect(!page.body.contains(label), "the job centre sees \(label)") }
            for secret in seeded.secrets { #expect(!page.body.contains(secret), "the job centre sees \(secret)") }
            // No link into the household's own page.
            #expect(!page.body.contains("/households/"))
        }
    }

    /// The explanation's sentences speak the page language: German first, English on request. The
    /// job centre's German page says whether access needs are met, in German, and nothing more.
    @Test func theExplanationSpeaksThePageLanguage() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-209", asFacts: true)
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let german = try await browser.get("/suggestions/\(seeded.suggestionID)")
            #expect(german.status == .ok)
            for text in ["Bruttokaltmiete 390,00 € innerhalb der Grenze 430,00 € (Spielraum 40,00 €)", "Min. mit dem", "×/Woche) — geschätzt", "kein WBS nötig"] {
                #expect(german.body.contains(text), "missing \(text)")
            }
            for text in ["within the limit", "estimated", "no WBS required"] { #expect(!german.body.contains(text), "English on the German page: \(text)") }
            let english = try await browser.get("/suggestions/\(seeded.suggestionID)?lang=en")
            for text in ["Bruttokaltmiete 390.00 € within the limit 430.00 € (headroom 40.00 €)", "×/week) — estimated", "no WBS required"] {
                #expect(english.body.contains(text), "missing \(text)")
            }
        }
        try await fixture.signedIn(as: "jc") { browser async throws in
            let page = try await browser.get("/suggestions/\(seeded.suggestionID)")
            #expect(page.body.contains("Bruttokaltmiete 390,00 € innerhalb der Grenze"))
            #expect(page.body.contains("Einzelheiten nur für den Coach"), "the access check, redacted, in German")
            for secret in seeded.secrets { #expect(!page.body.contains(secret), "the job centre sees \(secret)") }
        }
    }

    @Test func approvingRecordsTheZusicherungAndOpensThePrintableSheet() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-204")
        try await fixture.signedIn(as: "jc") { browser async throws in
            let page = try await browser.get("/suggestions/\(seeded.suggestionID)")
            #expect(try await browser.get("/suggestions/\(seeded.suggestionID)/sheet").status == .notFound, "no sheet before the approval")
            let approved = try await browser.post(
                "/suggestions/\(seeded.suggestionID)/approve", [("_csrf", page.csrf ?? ""), ("date", "2026-03-01"), ("note", "Kaution als Darlehen beantragen")])
            #expect(approved.status == .seeOther)
            #expect(approved.location == "/suggestions/\(seeded.suggestionID)?ok=approved")
            #expect(try fixture.suggestionState(seeded.suggestionID) == .approved)
            let after = try await browser.get(approved.location ?? "")
            #expect(after.body.contains("Die Zusicherung ist erteilt."))
            #expect(!after.body.contains("Zusicherung ablehnen"), "decided: no more decision forms")
            let sheet = try await browser.get("/suggestions/\(seeded.suggestionID)/sheet")
            #expect(sheet.status == .ok)
            for text in ["Zusicherung zu den Aufwendungen für eine neue Unterkunft (§ 22 Abs. 4 SGB II)", "01.03.2026", "jc", "Kaution als Darlehen beantragen",
                         seeded.reference, "390,00 €", "430,00 €"] {
                #expect(sheet.body.contains(text), "the sheet lacks \(text)")
            }
            for secret in seeded.secrets { #expect(!sheet.body.contains(secret), "the sheet shows \(secret)") }
            // Once the household has applied for the flat, the Zusicherung and its sheet stay readable.
            _ = try fixture.database.moveSuggestion(seeded.suggestionID, to: .applied, on: WebFixture.today.adding(days: 2), note: nil, by: try fixture.actor("coach1"))
            #expect(try await browser.get("/suggestions/\(seeded.suggestionID)").status == .ok)
            #expect(try await browser.get("/suggestions/\(seeded.suggestionID)/sheet").status == .ok)
        }
        let audit = try fixture.audit(user: "jc")
        #expect(audit.contains { $0.action == "review" && $0.detail?.contains("web POST /suggestions/\(seeded.suggestionID)/approve") == true })
        #expect(audit.contains { $0.action == "read" && $0.detail?.contains("web GET /suggestions/\(seeded.suggestionID)/sheet") == true })
    }

    @Test func rejectingNeedsAReasonAndAText() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-205")
        try await fixture.signedIn(as: "jc") { browser async throws in
            let path = "/suggestions/\(seeded.suggestionID)"
            let token = try await browser.get(path).csrf ?? ""
            let noReason = try await browser.post(path + "/reject", [("_csrf", token), ("date", "2026-03-01"), ("reason", ""), ("text", "zu teuer")])
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.body.contains("Bitte einen Grund für die Ablehnung wählen."))
            let noText = try await browser.post(path + "/reject", [("_csrf", token), ("date", "2026-03-01"), ("reason", "over-limit"), ("text", "  ")])
            #expect(noText.status == .unprocessableContent)
            #expect(noText.body.contains("Bitte die Ablehnung begründen."))
            let badDate = try await browser.post(path + "/reject", [("_csrf", token), ("date", "2026-02-30"), ("reason", "over-limit"), ("text", "zu teuer")])
            #expect(badDate.status == .unprocessableContent)
            #expect(badDate.body.contains("ist kein gültiges Datum"))
            #expect(try fixture.suggestionState(seeded.suggestionID) == .submitted, "nothing changed")
            let rejected = try await browser.post(path + "/reject", [("_csrf", token), ("date", "2026-03-01"), ("reason", "heating-too-high"), ("text", "Heizkosten über dem Grenzwert")])
            #expect(rejected.status == .seeOther)
            #expect(try fixture.suggestionState(seeded.suggestionID) == .rejected)
            let page = try await browser.get(path)
            #expect(page.body.contains("Heizkosten zu hoch"))
            #expect(page.body.contains("Heizkosten über dem Grenzwert"))
        }
    }

    @Test func aDecisionDatedBeforeTheSubmissionIsRefusedReadably() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-206")
        try await fixture.signedIn(as: "jc") { browser async throws in
            let path = "/suggestions/\(seeded.suggestionID)"
            let token = try await browser.get(path).csrf ?? ""
            let early = try await browser.post(path + "/approve", [("_csrf", token), ("date", "2026-01-15")])
            #expect(early.status == .unprocessableContent)
            #expect(early.body.contains("Nicht gespeichert: Der 15.01.2026 liegt vor dem letzten Schritt (01.03.2026)."))
            #expect(!early.body.contains("StoreError"))
            #expect(try fixture.suggestionState(seeded.suggestionID) == .submitted)
            // Nor after today: a Zusicherung dated ahead would hold up every later step until then.
            let ahead = try await browser.post(path + "/approve", [("_csrf", token), ("date", "02.03.2026")])
            #expect(ahead.status == .unprocessableContent)
            #expect(ahead.body.contains("Nicht gespeichert: Der 02.03.2026 liegt nach heute (01.03.2026)."))
            #expect(try fixture.suggestionState(seeded.suggestionID) == .submitted)
            // A step the suggestion cannot take now says what it is and what may come next, in German.
            _ = try await browser.post(path + "/approve", [("_csrf", token), ("date", "01.03.2026")])
            let again = try await browser.post(path + "/approve", [("_csrf", token), ("date", "01.03.2026")])
            #expect(again.status == .unprocessableContent)
            #expect(again.body.contains("Nicht gespeichert: Der Vorschlag ist jetzt „"), "\(again.body)")
            #expect(!again.body.contains("invalid state"))
        }
    }

    @Test func aFormWithoutTheTokenChangesNothing() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-207")
        try await fixture.signedIn(as: "jc") { browser async throws in
            for token in ["", "falsch", String(repeating: "A", count: 43)] {
                let forged = try await browser.post("/suggestions/\(seeded.suggestionID)/approve", [("_csrf", token), ("date", "2026-03-01")])
                #expect(forged.status == .forbidden)
                #expect(forged.body.contains("Formular abgelaufen"))
            }
            #expect(try fixture.suggestionState(seeded.suggestionID) == .submitted)
        }
    }

    @Test func onlyTheJobCentreDecides() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-208")
        for user in ["coach1", "admin"] {
            try await fixture.signedIn(as: user) { browser async throws in
                let page = try await browser.get("/suggestions/\(seeded.suggestionID)")
                #expect(page.status == .ok)
                #expect(!page.body.contains("Zusicherung erteilen"), "\(user) sees no decision form")
                let tried = try await browser.post("/suggestions/\(seeded.suggestionID)/approve", [("_csrf", page.csrf ?? ""), ("date", "2026-03-01")])
                #expect(tried.status == .forbidden)
                #expect(tried.body.contains("Keine Berechtigung"))
            }
        }
        #expect(try fixture.suggestionState(seeded.suggestionID) == .submitted)
    }

    @Test func whatIsNotBeforeTheJobCentreIsTheSame404AsWhatDoesNotExist() async throws {
        let fixture = try WebFixture()
        let presented = try fixture.seedCase("PLÖ-2026-209", state: .presented)
        try await fixture.signedIn(as: "jc") { browser async throws in
            let missing = try await browser.get("/suggestions/999999")
            #expect(missing.status == .notFound)
            for path in ["/suggestions/\(presented.suggestionID)", "/suggestions/\(presented.suggestionID)/sheet", "/households/\(presented.householdID)",
                         "/suggestions/abc", "/suggestions/-1"] {
                let page = try await browser.get(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(WebFixture.withoutToken(page.body) == WebFixture.withoutToken(missing.body), "\(path) must look exactly like a missing one")
            }
            let post = try await browser.post("/suggestions/\(presented.suggestionID)/approve", [("_csrf", missing.csrf ?? ""), ("date", "2026-03-01")])
            #expect(post.status == .notFound)
            #expect(try fixture.suggestionState(presented.suggestionID) == .presented)
        }
    }

    @Test func signedOutTheQueueLeadsToSignInAndBack() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let page = try await browser.get("/review")
            #expect(page.status == .seeOther)
            #expect(page.location == "/login?next=/review")
            let form = try await browser.get(page.location ?? "")
            let signedIn = try await browser.post("/login", [("_csrf", form.csrf ?? ""), ("next", form.field("next") ?? ""), ("username", "jc"), ("password", WebFixture.password)])
            #expect(signedIn.location == "/review")
        }
    }
}

extension WebFixture {
    /// A page without its CSRF token and language switch, to compare two pages' content.
    static func withoutToken(_ html: String) -> String {
        html.replacing(try! Regex(#"name="_csrf" value="[^"]*""#), with: "").replacing(try! Regex(#"href="[^"]*[?;]lang=en""#), with: "")
    }
}
