import Foundation
import HousingDomain
import HousingStore
import Hummingbird
import Testing
@testable import WohnlotseWeb

/// Every role against every page: allowed (200), refused (403 for a page the role may not use,
/// 404 for an entity it may not see — the same as a missing one), or sent to sign in.
@Suite struct AccessMatrixTests {
    enum Expected: Equatable, CustomStringConvertible {
        case ok, forbidden, notFound
        var status: HTTPResponse.Status {
            switch self {
            case .ok: return .ok
            case .forbidden: return .forbidden
            case .notFound: return .notFound
            }
        }
        var description: String { "\(status.code)" }
    }

    struct World {
        let fixture: WebFixture
        let own: SeededCase
        let approved: SeededCase
        let session: Int64
        let landlord: Int64

        init() throws {
            let fixture = try WebFixture()
            own = try fixture.seedCase("PLÖ-2026-501")
            approved = try fixture.seedCase("PLÖ-2026-502", given: "Vvorlan", family: "Ptrakova")
            _ = try fixture.database.moveSuggestion(approved.suggestionID, to: .approved, on: WebFixture.today, note: nil, by: try fixture.actor("jc"))
            let coach = try fixture.actor("coach1")
            let course = try fixture.database.createCourse(Course(title: "Wohnschule"), by: coach)
            session = try fixture.database.addSession(
                CourseSession(courseID: course.id ?? 0, date: WebFixture.today.adding(days: 2), startTime: "10:00", place: "Plön", trainer: "A. J.",
                    language: "de", capacity: 10, modules: [.lease]), by: coach).id?.rawValue ?? 0
            landlord = try fixture.database.createLandlord(Landlord(name: "Wohnungsbau Plön", kind: .company), by: coach).id?.rawValue ?? 0
            self.fixture = fixture
        }

        /// Path, then what coach1 (the case's coach), coach2, jc and admin get.
        var pages: [(String, [Expected])] {
            [
                ("/agenda", [.ok, .ok, .forbidden, .ok]),
                ("/households", [.ok, .ok, .forbidden, .ok]),
                ("/households/\(own.householdID)", [.ok, .notFound, .notFound, .ok]),
                ("/households/\(own.householdID)/visit", [.ok, .notFound, .notFound, .ok]),
                ("/courses", [.ok, .ok, .forbidden, .ok]),
                ("/sessions/\(session)", [.ok, .ok, .notFound, .ok]),
                ("/landlords", [.ok, .ok, .forbidden, .ok]),
                ("/landlords/\(landlord)", [.ok, .ok, .forbidden, .ok]),
                ("/review", [.forbidden, .forbidden, .ok, .ok]),
                ("/suggestions/\(own.suggestionID)", [.ok, .notFound, .ok, .ok]),
                ("/suggestions/\(approved.suggestionID)/sheet", [.ok, .notFound, .ok, .ok]),
                ("/suggestions/\(own.suggestionID)/sheet", [.notFound, .notFound, .notFound, .notFound]),
                ("/admin", [.forbidden, .forbidden, .forbidden, .ok]),
                ("/admin/users", [.forbidden, .forbidden, .forbidden, .ok]),
                ("/admin/cases", [.forbidden, .forbidden, .forbidden, .ok]),
            ]
        }
    }

    @Test func eachRoleAgainstEachPage() async throws {
        let world = try World()
        for (index, user) in ["coach1", "coach2", "jc", "admin"].enumerated() {
            try await world.fixture.signedIn(as: user) { browser async throws in
                for (path, expected) in world.pages {
                    let page = try await browser.get(path)
                    #expect(page.status == expected[index].status, "\(user) GET \(path): \(page.status.code), expected \(expected[index])")
                    #expect(!page.body.contains("Error") && !page.body.contains("Swift") && !page.body.contains(".swift"), "\(path) leaks internals")
                    if expected[index] == .forbidden { #expect(page.body.contains("Keine Berechtigung")) }
                    if expected[index] == .notFound { #expect(page.body.contains("Seite nicht gefunden")) }
                }
            }
        }
    }

    @Test func signedOutEveryPageLeadsToSignIn() async throws {
        let world = try World()
        try await world.fixture.withBrowser { browser async throws in
            for (path, _) in world.pages {
                let page = try await browser.get(path)
                #expect(page.status == .seeOther, "\(path)")
                #expect(page.location == "/login?next=\(path)", "\(path)")
                #expect(page.body.isEmpty)
            }
            // A form sent without a session is sent to sign in too, and changes nothing.
            let post = try await browser.post("/households/\(world.own.householdID)/stage", [("stage", "viewing"), ("date", "2026-03-01")])
            #expect(post.status == .seeOther)
            #expect(post.location == "/login")
        }
        #expect(try world.fixture.database.householdDetail(world.own.reference, by: try world.fixture.actor("admin")).household.stage == .searching)
    }

    @Test func noJobCentrePageEverContainsAMembersName() async throws {
        let world = try World()
        let secrets = world.own.secrets + world.approved.secrets
        try await world.fixture.signedIn(as: "jc") { browser async throws in
            var paths = world.pages.map(\.0)
            paths += ["/review?all=1", "/review?lang=en", "/suggestions/\(world.own.suggestionID)?lang=en", "/suggestions/\(world.approved.suggestionID)"]
            for path in paths {
                let page = try await browser.get(path)
                for secret in secrets { #expect(!page.body.contains(secret), "\(path) shows \(secret) to the job centre") }
            }
            // A refused decision re-renders the page: still nothing personal.
            let token = try await browser.get("/review").csrf ?? ""
            let refused = try await browser.post("/suggestions/\(world.own.suggestionID)/reject", [("_csrf", token), ("reason", "other"), ("text", "")])
            #expect(refused.status == .unprocessableContent)
            for secret in secrets { #expect(!refused.body.contains(secret)) }
        }
    }
}
