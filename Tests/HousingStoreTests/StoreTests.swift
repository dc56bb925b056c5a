import Foundation
import GRDB
import HousingDomain
import Testing

@testable import HousingStore

/// A fresh in-memory database with an admin, two coaches and a job-centre user.
struct Fixture {
    let db: AppDatabase
    let admin: Actor
    let coach: Actor
    let otherCoach: Actor
    let jobcentre: Actor
    let today = CalendarDate(iso: "2026-03-01")!

    init() throws {
        db = try AppDatabase.empty()
        try db.bootstrap(adminName: "admin")
        admin = try db.actor(named: "admin", command: "test")
        _ = try db.createUser(User(name: "mkoch", role: .coach), by: admin)
        _ = try db.createUser(User(name: "tberg", role: .coach), by: admin)
        _ = try db.createUser(User(name: "jc", role: .jobcentre), by: admin)
        coach = try db.actor(named: "mkoch", command: "test")
        otherCoach = try db.actor(named: "tberg", command: "test")
        jobcentre = try db.actor(named: "jc", command: "test")
    }

    func household(_ ref: String = "PLÖ-1", by actor: Actor? = nil) throws -> Household {
        try db.createHousehold(Household(referenceCode: ref, openedOn: today), coachName: nil, by: actor ?? coach)
    }

    func auditCount() throws -> Int {
        try db.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM auditLog") ?? 0 }
    }
}

@Suite struct HouseholdStoreTests {
    @Test func savesHouseholdWithFirstStageAndAudit() throws {
        let f = try Fixture()
        let before = try f.auditCount()
        let h = try f.household()
        #expect(h.coachID == f.coach.userID, "a coach's new case is assigned to that coach")
        let detail = try f.db.householdDetail("plö-1", by: f.coach)
        #expect(detail.stageHistory.map(\.to) == [.intake])
        #expect(detail.stageHistory.first?.actor == "mkoch")
        // one row for the create, one for the audited read
        #expect(try f.auditCount() == before + 2)
        let rows = try f.db.auditEntries(householdKey: "PLÖ-1", by: f.admin)
        #expect(Set(rows.map(\.action)) == ["create", "read"])
        #expect(rows.allSatisfy { $0.actor == "mkoch" && $0.householdID == h.id?.rawValue })
    }

    @Test func refusesDuplicateReferenceCodeIgnoringCase() throws {
        let f = try Fixture()
        _ = try f.household("PLÖ-1")
        let before = try f.auditCount()
        #expect(throws: StoreError.duplicate(entity: "household", field: "reference code", value: "plö-1")) {
            _ = try f.household("plö-1")
        }
        #expect(try f.auditCount() == before, "a refused write leaves no trace but the refusal")
    }

    @Test func aKeyOfDigitsIsAnIdAndNeverAnotherCasesReferenceCode() throws {
        let f = try Fixture()
        let first = try f.household("PLÖ-1")
        let second = try f.household("PLÖ-2", by: f.otherCoach)
        // A reference code of digits alone would shadow case ids in 'household show 3' and web addresses.
        for code in ["1", "３", "2026"] {
            #expect(throws: StoreError.self) { _ = try f.household(code, by: f.otherCoach) }
        }
        // A legacy row whose code is digits (written before the rule) cannot capture id 1 either.
        try f.db.writer.write { db in
            try db.execute(sql: "UPDATE household SET referenceCode = '1', referenceKey = '1' WHERE id = ?", arguments: [second.id?.rawValue])
        }
        #expect(try f.db.householdDetail("1", by: f.coach).household.id == first.id)
        #expect(throws: StoreError.self) { _ = try f.db.householdDetail("1", by: f.otherCoach) }
    }

    @Test func casesGoToActiveCoachesOnly() throws {
        let f = try Fixture()
        #expect(throws: StoreError.refused("'jc' is a jobcentre user; cases are assigned to and shared with coaches only")) {
            _ = try f.db.createHousehold(Household(referenceCode: "PLÖ-9", openedOn: f.today), coachName: "jc", by: f.admin)
        }
        let h = try f.household("PLÖ-1")
        #expect(throws: StoreError.self) {
            _ = try f.db.updateHousehold("PLÖ-1", coachName: "jc", by: f.admin) { _ in }
        }
        #expect(try f.db.householdDetail("PLÖ-1", by: f.admin).household.coachID == h.coachID)
    }

    @Test func stageMovesFollowTheWorkflow() throws {
        let f = try Fixture()
        _ = try f.household()
        _ = try f.db.moveStage("PLÖ-1", to: .coaching, on: f.today, note: nil, by: f.coach)
        #expect(throws: StoreError.invalid(.stageTransition(from: .coaching, to: .movedIn))) {
            _ = try f.db.moveStage("PLÖ-1", to: .movedIn, on: f.today, note: nil, by: f.coach)
        }
        #expect(throws: StoreError.self) {
            _ = try f.db.moveStage("PLÖ-1", to: .searching, on: f.today.adding(days: -1), note: nil, by: f.coach)
        }
        let detail = try f.db.householdDetail("PLÖ-1", by: f.coach)
        #expect(detail.household.stage == .coaching)
        #expect(detail.stageHistory.map(\.to) == [.intake, .coaching])
    }

    @Test func memberBornInTheFutureLeavesHouseholdUnchanged() throws {
        let f = try Fixture()
        _ = try f.household()
        let future = Member(householdID: 0, givenName: "A", familyName: "B", birthDate: f.today.adding(days: 1), role: .child)
        #expect(throws: StoreError.self) { _ = try f.db.addMember(future, toHousehold: "PLÖ-1", today: f.today, by: f.coach) }
        #expect(try f.db.householdDetail("PLÖ-1", by: f.coach).members.isEmpty)
    }
}

@Suite struct AccessTests {
    @Test func coachSeesOnlyOwnCases() throws {
        let f = try Fixture()
        _ = try f.household("A-1", by: f.coach)
        _ = try f.household("B-1", by: f.otherCoach)
        #expect(try f.db.households(HouseholdFilter(), by: f.coach).map(\.referenceCode) == ["A-1"])
        #expect(try f.db.households(HouseholdFilter(), by: f.admin).map(\.referenceCode) == ["A-1", "B-1"])
        #expect(throws: StoreError.self) { _ = try f.db.householdDetail("B-1", by: f.coach) }
        #expect(throws: StoreError.self) {
            _ = try f.db.updateHousehold("B-1", by: f.coach) { $0.languages = ["x"] }
        }
    }

    @Test func jobcentreSeesNoHouseholdPersonalData() throws {
        let f = try Fixture()
        _ = try f.household("A-1")
        #expect(throws: StoreError.self) { _ = try f.db.householdDetail("A-1", by: f.jobcentre) }
        #expect(throws: StoreError.self) { _ = try f.db.households(HouseholdFilter(), by: f.jobcentre) }
        #expect(throws: StoreError.self) { _ = try f.db.createUser(User(name: "x", role: .admin), by: f.jobcentre) }
    }

    @Test func refusalNamesTheRoleNeeded() throws {
        let f = try Fixture()
        do {
            _ = try f.db.createUser(User(name: "x", role: .coach), by: f.coach)
            Issue.record("a coach added a user")
        } catch let error as StoreError {
            #expect(error.description == "mkoch (coach) may not add users: this needs an admin; nothing was changed")
        }
    }

    @Test func lastAdminCannotBeDemoted() throws {
        let f = try Fixture()
        #expect(throws: StoreError.self) { _ = try f.db.updateUser(named: "admin", by: f.admin) { $0.role = .coach } }
    }

    @Test func auditLogCannotBeChangedOrDeleted() throws {
        let f = try Fixture()
        _ = try f.household()
        #expect(throws: DatabaseError.self) { try f.db.writer.write { try $0.execute(sql: "UPDATE auditLog SET actor = 'x'") } }
        #expect(throws: DatabaseError.self) { try f.db.writer.write { try $0.execute(sql: "DELETE FROM auditLog") } }
    }
}

@Suite struct CourseAndAgendaTests {
    @Test func agendaShowsOverdueFollowUpsDeadlinesSessionsAndCertificates() throws {
        let f = try Fixture()
        var h = Household(referenceCode: "PLÖ-9", openedOn: f.today)
        h.deadline = f.today.adding(days: 5)
        _ = try f.db.createHousehold(h, coachName: nil, by: f.coach)
        let m = try f.db.addMember(Member(householdID: 0, givenName: "Amal", familyName: "H", birthDate: CalendarDate(iso: "1990-01-01")!, role: .applicant),
            toHousehold: "PLÖ-9", today: f.today, by: f.coach)
        _ = try f.db.addVisit(Visit(householdID: 0, coachID: f.coach.userID, date: f.today.adding(days: -10), kind: .homeVisit, durationMinutes: 30, followUp: f.today.adding(days: -2)),
            toHousehold: "PLÖ-9", by: f.coach)
        let course = try f.db.createCourse(Course(title: "Wohnschule", requiredModules: [.lease, .heatingAndAiring]), by: f.coach)
        let s1 = try f.db.addSession(CourseSession(courseID: course.id!, date: f.today.adding(days: -3), startTime: "10:00", place: "P", trainer: "T", language: "ar", capacity: 5, modules: [.lease, .heatingAndAiring]), by: f.coach)
        _ = try f.db.addSession(CourseSession(courseID: course.id!, date: f.today.adding(days: 4), startTime: "10:00", place: "P", trainer: "T", language: "ar", capacity: 5, modules: [.lease]), by: f.coach)
        try f.db.recordAttendance(session: s1.id!, [(m.id!, .present)], by: f.coach)

        let agenda = try f.db.agenda(for: nil, today: f.today, horizonDays: 14, by: f.coach)
        #expect(agenda.followUps.map(\.daysOverdue) == [2])
        #expect(agenda.deadlines.map(\.daysLeft) == [5])
        #expect(agenda.sessions.map(\.date) == [f.today.adding(days: 4)])
        #expect(agenda.certificates.map(\.earnedOn) == [f.today.adding(days: -3)])

        // A later visit answers the follow-up.
        _ = try f.db.addVisit(Visit(householdID: 0, coachID: f.coach.userID, date: f.today, kind: .phone, durationMinutes: 5), toHousehold: "PLÖ-9", by: f.coach)
        #expect(try f.db.agenda(for: nil, today: f.today, horizonDays: 14, by: f.coach).followUps.isEmpty)
    }

    @Test func attendanceOverCapacityIsRefusedWhole() throws {
        let f = try Fixture()
        _ = try f.household()
        var ids: [Member.ID] = []
        for i in 0..<3 {
            ids.append(try f.db.addMember(Member(householdID: 0, givenName: "M\(i)", familyName: "F", birthDate: CalendarDate(iso: "2000-01-01")!, role: .otherRelative),
                toHousehold: "PLÖ-1", today: f.today, by: f.coach).id!)
        }
        let course = try f.db.createCourse(Course(title: "W"), by: f.coach)
        let s = try f.db.addSession(CourseSession(courseID: course.id!, date: f.today, startTime: "09:00", place: "P", trainer: "T", language: "de", capacity: 2, modules: [.lease]), by: f.coach)
        #expect(throws: StoreError.self) { try f.db.recordAttendance(session: s.id!, ids.map { ($0, .present) }, by: f.coach) }
        #expect(try f.db.courseDetail(course.id!, by: f.coach).participants.isEmpty, "nothing of the refused list was kept")
    }
}

@Suite struct DatabaseFileTests {
    func temporaryPath(_ name: String = "w.sqlite") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    @Test func migratesAnEmptyFileAndMakesItPrivate() throws {
        let path = try temporaryPath()
        let db = try AppDatabase.open(path: path, create: true)
        #expect(try db.appliedMigrations() == AppDatabase.knownMigrations)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let journal = try db.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        let fk = try db.writer.read { try Bool.fetchOne($0, sql: "PRAGMA foreign_keys") }
        #expect(fk == true)
    }

    /// A file written by the first released schema opens, migrates and keeps its data.
    @Test func migratesAFileWithDataFromV1() throws {
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/v1-case-management", withExtension: "sqlite"))
        let path = try temporaryPath()
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
        let db = try AppDatabase.open(path: path)
        #expect(try db.appliedMigrations() == AppDatabase.knownMigrations)
        let admin = try db.actor(named: "admin", command: "test")
        let detail = try db.householdDetail("PLÖ-2026-001", by: admin)
        #expect(detail.members.map(\.fullName) == ["Amal Haddad"])
        #expect(detail.anchors.map(\.label) == ["Bäckerei"])
        #expect(try db.listings(ListingFilter(), by: admin).map(\.grossColdRent) == [Money(euros: 470)])
    }

    @Test func refusesMissingFileUnlessCreating() throws {
        let path = try temporaryPath()
        #expect(throws: StoreError.databaseMissing(path: path)) { _ = try AppDatabase.open(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func refusesAFileThatIsNotADatabase() throws {
        let path = try temporaryPath()
        try Data("this is a shopping list, not a database\n".utf8 + Data(repeating: 7, count: 4096)).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try AppDatabase.open(path: path)
        } throws: { error in
            guard case StoreError.notADatabase = error else { return false }
            return true
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(9) == Data("this is a".utf8), "the file is left as it was")
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        let path = try temporaryPath()
        _ = try AppDatabase.open(path: path, create: true)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        #expect(throws: StoreError.newerSchema(path: path, unknownMigrations: ["v99-from-the-future"])) {
            _ = try AppDatabase.open(path: path)
        }
    }
}
