import Foundation
import GRDB
import HousingDomain
import HousingStore
import Hummingbird
import Testing
@testable import WohnlotseWeb

/// The coach's pages and forms: each form's happy path changes the database and is audited; bad
/// input shows a readable message and changes nothing; another coach's case is a 404.
@Suite struct CoachPagesTests {
    /// A course with a session in three days that `seeded`'s members attend.
    func seedCourse(_ fixture: WebFixture, capacity: Int = 12) throws -> (course: Int64, session: Int64) {
        let actor = try fixture.actor("coach1")
        let course = try fixture.database.createCourse(Course(title: "Wohnschule Plön 2026", requiredModules: [.heatingAndAiring, .lease]), by: actor)
        let past = try fixture.database.addSession(
            CourseSession(courseID: course.id ?? 0, date: WebFixture.today.adding(days: -7), startTime: "10:00", place: "Bürgerhaus Plön", trainer: "A. Jensen",
                language: "de/ar", capacity: capacity, modules: [.heatingAndAiring]), by: actor)
        _ = past
        let next = try fixture.database.addSession(
            CourseSession(courseID: course.id ?? 0, date: WebFixture.today.adding(days: 3), startTime: "14:30", place: "Bürgerhaus Plön", trainer: "A. Jensen",
                language: "de/ar", capacity: capacity, modules: [.lease]), by: actor)
        return (course.id?.rawValue ?? 0, next.id?.rawValue ?? 0)
    }

    @Test func agendaShowsFollowUpsDeadlinesSessionsAndLinks() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-301")
        _ = try fixture.database.updateHousehold(seeded.reference, by: try fixture.actor("coach1")) { $0.deadline = WebFixture.today.adding(days: 9) }
        let (_, session) = try seedCourse(fixture)
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let page = try await browser.get("/agenda")
            #expect(page.status == .ok)
            #expect(page.body.contains("<h1>Heute <span class=\"muted\">01.03.2026</span></h1>"))
            #expect(page.body.contains("Wiedervorlage nach Besuch"))
            #expect(page.body.contains("seit gestern fällig"))
            #expect(page.body.contains("href=\"/households/\(seeded.householdID)\">\(seeded.reference)</a>"))
            #expect(page.body.contains("noch 9 Tage"))
            #expect(page.body.contains("href=\"/sessions/\(session)\""))
            #expect(page.body.contains("Der Mietvertrag"))
            #expect(page.body.contains("aria-current=\"page\">Heute</a>"))
        }
    }

    @Test func householdListShowsOwnCasesWithStageAndDeadline() async throws {
        let fixture = try WebFixture()
        let own = try fixture.seedCase("PLÖ-2026-302")
        let other = try fixture.seedCase("PLÖ-2026-303", coach: "coach2", given: "Vvorlan")
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let page = try await browser.get("/households")
            #expect(page.body.contains(own.reference))
            #expect(!page.body.contains(other.reference))
            #expect(page.body.contains("Wohnungssuche"))
            #expect(page.body.contains("30.04.2026"))
            #expect(page.body.contains("noch 60 Tage"))
            let filtered = try await browser.get("/households?stage=coaching")
            #expect(!filtered.body.contains(own.reference))
            #expect(filtered.body.contains("Keine Haushalte in dieser Stufe."))
        }
    }

    @Test func householdPageShowsEverythingACoachNeeds() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-304", state: .suggested)
        let (_, session) = try seedCourse(fixture)
        try fixture.database.recordAttendance(session: CourseSession.ID(session), [(Member.ID(seeded.memberIDs[0]), .present)], by: try fixture.actor("coach1"))
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let page = try await browser.get("/households/\(seeded.householdID)")
            #expect(page.status == .ok)
            for text in [
                "Zzyzxa Qwertyova", "Antragsteller/in", "02.04.1990", "Werkstatt am See", "Traumatherapie Kiel", "Geheimnotiz: Schimmel im Bad",
                "Hausbesuch", "Wohnungssuche", "Bürgergeld (SGB II)", "Erdgeschoss oder Aufzug", "Wohnschule Plön 2026", "Noch offen: Heizen und Lüften",
                "Vorschlag \(seeded.suggestionID)", "Dem Haushalt vorgestellt", "<svg class=\"map\"", "W1", "A2",
            ] {
                #expect(page.body.contains(text), "the household page lacks \(text)")
            }
            // Distance from the job in Plön to the flat in Plön: a fraction of a kilometre; Kiel is ~25 km.
            #expect(page.body.contains("data-label=\"Entfernung W1\">0,3 km</td>"))
            #expect(page.body.contains("data-label=\"Entfernung W1\">2"))
        }
        let reads = try fixture.audit(user: "coach1").filter { $0.detail?.contains("web GET /households/\(seeded.householdID)") == true }
        #expect(reads.contains { $0.entity == "household" && $0.action == "read" })
        #expect(reads.contains { $0.entity == "attendance" })
    }

    @Test func anotherCoachsCaseIsTheSame404AsAMissingOneUntilShared() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-305")
        try await fixture.signedIn(as: "coach2") { browser async throws in
            let missing = try await browser.get("/households/999999")
            #expect(missing.status == .notFound)
            for (path, same) in [
                ("/households/\(seeded.householdID)", "/households/999999"), ("/households/\(seeded.householdID)/visit", "/households/999999/visit"),
                ("/suggestions/\(seeded.suggestionID)", "/suggestions/999999"),
            ] {
                let page = try await browser.get(path)
                #expect(page.status == .notFound, "\(path)")
                let unknown = try await browser.get(same)
                #expect(WebFixture.withoutToken(page.body) == WebFixture.withoutToken(unknown.body), "\(path) looks unlike \(same)")
                for secret in seeded.secrets { #expect(!page.body.contains(secret)) }
            }
            let write = try await browser.post("/households/\(seeded.householdID)/visits", [("_csrf", missing.csrf ?? ""), ("kind", "phone"), ("date", "2026-03-01"), ("minutes", "10")])
            #expect(write.status == .notFound)
            _ = try fixture.database.shareHousehold(seeded.reference, withCoach: "coach2", today: WebFixture.today, by: try fixture.actor("admin"))
            #expect(try await browser.get("/households/\(seeded.householdID)").status == .ok)
        }
        #expect(try fixture.database.householdDetail(seeded.reference, by: try fixture.actor("admin")).visits.count == 1)
    }

    @Test func loggingAVisitFromThePhone() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-306")
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let form = try await browser.get("/households/\(seeded.householdID)/visit")
            #expect(form.status == .ok)
            #expect(form.body.contains("<label for=\"visit-minutes\">Dauer in Minuten</label>"))
            #expect(form.body.contains("value=\"2026-03-01\""), "today is filled in")
            let saved = try await browser.post("/households/\(seeded.householdID)/visits", [
                ("_csrf", form.csrf ?? ""), ("kind", "phone"), ("date", "2026-03-01"), ("minutes", "15"), ("topics", "Mietvertrag, Kaution"),
                ("note", "Vertrag erklärt"), ("followUp", "2026-03-08"),
            ])
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/households/\(seeded.householdID)?ok=visit")
            let page = try await browser.get(saved.location ?? "")
            #expect(page.body.contains("Der Besuch ist gespeichert."))
            #expect(page.body.contains("Telefonat · 15 Min. · Mietvertrag, Kaution"))
        }
        let visits = try fixture.database.householdDetail(seeded.reference, by: try fixture.actor("admin")).visits
        #expect(visits.count == 2)
        #expect(visits.first?.note == "Vertrag erklärt" && visits.first?.followUp == CalendarDate(iso: "2026-03-08"))
        #expect(try fixture.audit(user: "coach1").contains { $0.action == "create" && $0.entity == "visit" && $0.detail?.contains("web POST /households/\(seeded.householdID)/visits") == true })
    }

    @Test(arguments: [
        ([("kind", "phone"), ("date", "2026-03-01"), ("minutes", "0")], "ganze Zahl von 1 bis 720"),
        ([("kind", "phone"), ("date", "2026-03-01"), ("minutes", "viel")], "ganze Zahl von 1 bis 720"),
        ([("kind", "fax"), ("date", "2026-03-01"), ("minutes", "10")], "Bitte die Art des Kontakts wählen."),
        ([("kind", "phone"), ("date", "01.13.2026"), ("minutes", "10")], "ist kein gültiges Datum"),
        ([("kind", "phone"), ("date", "2026-03-01"), ("minutes", "10"), ("followUp", "2026-02-01")], "Die Wiedervorlage darf nicht vor dem Datum liegen."),
    ])
    func aBadVisitIsExplainedAndNotSaved(fields: [(String, String)], message: String) async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-307")
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let form = try await browser.get("/households/\(seeded.householdID)/visit")
            let page = try await browser.post("/households/\(seeded.householdID)/visits", [("_csrf", form.csrf ?? ""), ("note", "bleibt im Formular")] + fields)
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains(message), "\(message)")
            #expect(page.body.contains(">bleibt im Formular</textarea>"), "what was typed stays")
        }
        #expect(try fixture.database.householdDetail(seeded.reference, by: try fixture.actor("admin")).visits.count == 1)
    }

    @Test func movingTheStageFollowsTheWorkflow() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-308")
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let path = "/households/\(seeded.householdID)"
            let token = try await browser.get(path).csrf ?? ""
            let skip = try await browser.post(path + "/stage", [("_csrf", token), ("stage", "moved-in"), ("date", "2026-03-01")])
            #expect(skip.status == .unprocessableContent)
            #expect(skip.body.contains("cannot move a case from searching to moved-in"))
            let moved = try await browser.post(path + "/stage", [("_csrf", token), ("stage", "viewing"), ("date", "2026-03-01"), ("note", "Termin am Freitag")])
            #expect(moved.status == .seeOther)
        }
        let detail = try fixture.database.householdDetail(seeded.reference, by: try fixture.actor("admin"))
        #expect(detail.household.stage == .viewing)
        #expect(detail.stageHistory.last?.actor == "coach1")
        #expect(try fixture.audit(user: "coach1").contains { $0.action == "stage" && $0.detail?.contains("web POST /households/\(seeded.householdID)/stage") == true })
    }

    @Test func presentingASuggestionAndRecordingItsOutcome() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-309", state: .suggested)
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let token = try await browser.get("/households/\(seeded.householdID)").csrf ?? ""
            let presented = try await browser.post("/suggestions/\(seeded.suggestionID)/move", [("_csrf", token), ("state", "presented"), ("date", "2026-03-01"), ("from", "household")])
            #expect(presented.location == "/households/\(seeded.householdID)?ok=suggestion#suggestions")
            #expect(try fixture.suggestionState(seeded.suggestionID) == .presented)
            // The coach cannot grant the Zusicherung through the move form.
            let approve = try await browser.post("/suggestions/\(seeded.suggestionID)/move", [("_csrf", token), ("state", "approved"), ("date", "2026-03-01")])
            #expect(approve.status == .unprocessableContent)
            let declined = try await browser.post("/suggestions/\(seeded.suggestionID)/move", [("_csrf", token), ("state", "declined-by-household"), ("date", "2026-03-01"), ("note", "zu weit")])
            #expect(declined.location == "/suggestions/\(seeded.suggestionID)?ok=moved")
            let page = try await browser.get("/suggestions/\(seeded.suggestionID)")
            #expect(page.body.contains("vom Haushalt abgelehnt"))
            #expect(page.body.contains("zu weit"), "the coach sees the notes")
        }
        #expect(try fixture.suggestionState(seeded.suggestionID) == .declinedByHousehold)
    }

    @Test func attendanceForAWholeSessionAtOnce() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-310")
        let foreign = try fixture.seedCase("PLÖ-2026-311", coach: "coach2", given: "Vvorlan")
        let (_, session) = try seedCourse(fixture, capacity: 1)
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let courses = try await browser.get("/courses")
            #expect(courses.body.contains("href=\"/sessions/\(session)\""))
            let form = try await browser.get("/sessions/\(session)")
            #expect(form.status == .ok)
            #expect(form.body.contains("<legend>Zzyzxa Qwertyova</legend>"))
            #expect(!form.body.contains("Vvorlan"), "only the coach's own cases are listed")
            let token = form.csrf ?? ""
            let (adult, child) = (seeded.memberIDs[0], seeded.memberIDs[1])
            let full = try await browser.post("/sessions/\(session)/attendance", [("_csrf", token), ("member-\(adult)", "present"), ("member-\(child)", "present")])
            #expect(full.status == .unprocessableContent)
            #expect(full.body.contains("has 1 places but 2 participants would be present"))
            let nothing = try await browser.post("/sessions/\(session)/attendance", [("_csrf", token), ("member-\(adult)", "")])
            #expect(nothing.status == .unprocessableContent)
            #expect(nothing.body.contains("mindestens eine Person"))
            let intruder = try await browser.post("/sessions/\(session)/attendance", [("_csrf", token), ("member-\(foreign.memberIDs[0])", "absent")])
            #expect(intruder.status == .notFound)
            let saved = try await browser.post("/sessions/\(session)/attendance", [("_csrf", token), ("member-\(adult)", "present"), ("member-\(child)", "excused")])
            #expect(saved.status == .seeOther)
            let again = try await browser.get(saved.location ?? "")
            #expect(again.body.contains("Die Anwesenheit ist gespeichert."))
            #expect(again.body.contains("name=\"member-\(adult)\" value=\"present\" checked"))
        }
        let rows = try fixture.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT memberId, status FROM attendance WHERE courseSessionId = ? ORDER BY memberId", arguments: [session])
        }
        #expect(rows.map { $0["status"] as String } == ["present", "excused"])
        #expect(try fixture.audit(user: "coach1").filter { $0.entity == "attendance" && $0.action == "update" }.count == 2)
    }

    @Test func loggingALandlordContact() async throws {
        let fixture = try WebFixture()
        let landlord = try fixture.database.createLandlord(Landlord(name: "Baugenossenschaft Probstei", kind: .cooperative, openness: .open), by: try fixture.actor("coach1"))
        let id = landlord.id?.rawValue ?? 0
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let list = try await browser.get("/landlords")
            #expect(list.body.contains("href=\"/landlords/\(id)\">Baugenossenschaft Probstei</a>"))
            let page = try await browser.get("/landlords/\(id)")
            let empty = try await browser.post("/landlords/\(id)/contacts", [("_csrf", page.csrf ?? ""), ("channel", "phone"), ("date", "2026-03-01"), ("outcome", " ")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains("Bitte das Ergebnis des Kontakts eintragen."))
            let saved = try await browser.post("/landlords/\(id)/contacts", [
                ("_csrf", page.csrf ?? ""), ("channel", "in-person"), ("date", "2026-03-01"), ("outcome", "3 Zimmer frei ab Mai"), ("followUp", "2026-04-01"),
            ])
            #expect(saved.status == .seeOther)
            let after = try await browser.get("/landlords/\(id)")
            #expect(after.body.contains("3 Zimmer frei ab Mai"))
            #expect(after.body.contains("Persönlich · coach1"))
            #expect(try await browser.get("/landlords/999").status == .notFound)
        }
        #expect(try fixture.database.landlordDetail(Landlord.ID(id), by: try fixture.actor("admin")).contacts.count == 1)
        // Reading the contact log is audited like a case: two page views and the form shown again with its error.
        let reads = try fixture.audit(user: "coach1").filter { $0.action == "read" && $0.entity == "landlord" && $0.entityID == id }
        #expect(reads.compactMap(\.detail) == ["command: web GET /landlords/\(id)", "command: web POST /landlords/\(id)/contacts", "command: web GET /landlords/\(id)"])
    }

    @Test func everyCoachFormRefusesAMissingToken() async throws {
        let fixture = try WebFixture()
        let seeded = try fixture.seedCase("PLÖ-2026-312", state: .suggested)
        let (_, session) = try seedCourse(fixture)
        let landlord = try fixture.database.createLandlord(Landlord(name: "Familie Petersen", kind: .private), by: try fixture.actor("coach1"))
        try await fixture.signedIn(as: "coach1") { browser async throws in
            let forms: [(String, [(String, String)])] = [
                ("/households/\(seeded.householdID)/visits", [("kind", "phone"), ("date", "2026-03-01"), ("minutes", "10")]),
                ("/households/\(seeded.householdID)/stage", [("stage", "viewing"), ("date", "2026-03-01")]),
                ("/suggestions/\(seeded.suggestionID)/move", [("state", "presented"), ("date", "2026-03-01")]),
                ("/sessions/\(session)/attendance", [("member-\(seeded.memberIDs[0])", "present")]),
                ("/landlords/\(landlord.id?.rawValue ?? 0)/contacts", [("channel", "phone"), ("date", "2026-03-01"), ("outcome", "x")]),
            ]
            for (path, fields) in forms {
                let page = try await browser.post(path, fields)
                #expect(page.status == .forbidden, "\(path)")
            }
        }
        let detail = try fixture.database.householdDetail(seeded.reference, by: try fixture.actor("admin"))
        #expect(detail.visits.count == 1 && detail.household.stage == .searching)
        #expect(try fixture.suggestionState(seeded.suggestionID) == .suggested)
    }
}
