import Foundation
import GRDB
import HousingDomain
import Testing

@testable import HousingStore

/// An admin, three coaches and a job-centre user on a database in memory or in a file.
struct PrivacyFixture {
    let db: AppDatabase
    let path: String?
    let admin: Actor
    let coach: Actor
    let otherCoach: Actor
    let thirdCoach: Actor
    let jobcentre: Actor
    let today = CalendarDate(iso: "2026-03-01") ?? CalendarDate(dayNumber: 0)

    /// In memory, or in a new temporary file with `inFile`.
    init(inFile: Bool = false) throws {
        if inFile {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("privacy-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("wohnlotse.sqlite").path
            db = try AppDatabase.open(path: path, create: true)
            self.path = path
        } else {
            db = try AppDatabase.empty()
            path = nil
        }
        try db.bootstrap(adminName: "admin")
        admin = try db.actor(named: "admin", command: "test")
        for (name, role) in [("mkoch", User.Role.coach), ("tberg", .coach), ("ulf", .coach), ("jc", .jobcentre)] {
            _ = try db.createUser(User(name: name, role: role), by: admin)
        }
        coach = try db.actor(named: "mkoch", command: "test")
        otherCoach = try db.actor(named: "tberg", command: "test")
        thirdCoach = try db.actor(named: "ulf", command: "test")
        jobcentre = try db.actor(named: "jc", command: "test")
    }

    /// A household of `coach` with two members, an anchor, a visit with a note and a stage note.
    @discardableResult
    func household(_ ref: String, given: String, family: String, note: String, by actor: Actor? = nil, openedOn: CalendarDate? = nil) throws -> Household {
        let actor = actor ?? coach
        var h = Household(referenceCode: ref, jobcentreNumber: "BG-\(family)", languages: ["ar"], currentAccommodation: "GU \(family)", openedOn: openedOn ?? today)
        h.needs.stepFree = true
        let household = try db.createHousehold(h, coachName: nil, by: actor)
        let born = CalendarDate(iso: "1988-04-02") ?? today
        let member = try db.addMember(Member(householdID: 0, givenName: given, familyName: family, birthDate: born, role: .applicant), toHousehold: ref, today: today, by: actor)
        _ = try db.addMember(Member(householdID: 0, givenName: "\(given)a", familyName: family, birthDate: born.adding(days: 9000), role: .child), toHousehold: ref, today: today, by: actor)
        _ = try db.addAnchor(Anchor(householdID: 0, memberID: member.id, kind: .job, label: "Bäckerei \(family)", address: Address(street: "\(family)weg", postalCode: PostalCode("24306"), place: "Plön"), daysPerWeek: 5), toHousehold: ref, by: actor)
        _ = try db.addVisit(Visit(householdID: 0, coachID: actor.userID, date: household.openedOn, kind: .homeVisit, durationMinutes: 30, note: note), toHousehold: ref, by: actor)
        _ = try db.moveStage(ref, to: .coaching, on: household.openedOn, note: "stage note \(family)", by: actor)
        return household
    }

    func rows(_ sql: String) throws -> [Row] { try db.writer.read { try Row.fetchAll($0, sql: sql) } }

    func auditCount(action: String? = nil) throws -> Int {
        try db.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM auditLog WHERE ?1 IS NULL OR action = ?1", arguments: [action]) ?? 0
        }
    }

    /// Every row of every table, for "nothing changed" checks.
    func dump() throws -> String {
        try db.writer.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            return try tables.map { table in
                // Refused attempts are audited and change nothing else (`refusedAttemptsAreAudited`).
                "\(table): " + (try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"\(table == "auditLog" ? " WHERE action <> 'refused'" : "") ORDER BY rowid")
                    .map(\.description).joined(separator: "\n"))
            }.joined(separator: "\n")
        }
    }
}

/// Refusals as a user sees them.
func refusal(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite struct AccessPolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var role: User.Role
        var permission: Permission
        var access: CaseAccess?
        var allowed: Bool
        var testDescription: String { "\(role) \(permission) \(access.map { "\($0)" } ?? "-") → \(allowed)" }
    }

    static let me: User.ID = 7
    static let other: User.ID = 8
    static let own = CaseAccess(coachID: me)
    static let shared = CaseAccess(coachID: other, sharedWith: [me])
    static let foreign = CaseAccess(coachID: other)
    static let inReview = CaseAccess(coachID: other, inReview: true)

    static let cases: [Case] = [
        Case(role: .coach, permission: .household(1), access: own, allowed: true),
        Case(role: .coach, permission: .household(1), access: shared, allowed: true),
        Case(role: .coach, permission: .household(1), access: foreign, allowed: false),
        Case(role: .coach, permission: .household(1), access: nil, allowed: false),
        Case(role: .coach, permission: .exportHousehold(1), access: shared, allowed: true),
        Case(role: .coach, permission: .exportHousehold(1), access: foreign, allowed: false),
        Case(role: .coach, permission: .costDecision(1), access: own, allowed: true),
        Case(role: .coach, permission: .costDecision(1), access: inReview, allowed: false),
        Case(role: .coach, permission: .erasePersonalData, access: nil, allowed: false),
        Case(role: .coach, permission: .operations, access: nil, allowed: false),
        Case(role: .coach, permission: .audit, access: nil, allowed: false),
        Case(role: .coach, permission: .assignCoach, access: nil, allowed: false),
        Case(role: .coach, permission: .courses, access: nil, allowed: true),
        Case(role: .jobcentre, permission: .household(1), access: inReview, allowed: false),
        Case(role: .jobcentre, permission: .exportHousehold(1), access: inReview, allowed: false),
        Case(role: .jobcentre, permission: .costDecision(1), access: inReview, allowed: true),
        Case(role: .jobcentre, permission: .costDecision(1), access: foreign, allowed: false),
        Case(role: .jobcentre, permission: .listings, access: nil, allowed: true),
        Case(role: .jobcentre, permission: .courses, access: nil, allowed: false),
        Case(role: .jobcentre, permission: .audit, access: nil, allowed: false),
        Case(role: .jobcentre, permission: .erasePersonalData, access: nil, allowed: false),
        Case(role: .admin, permission: .household(1), access: foreign, allowed: true),
        Case(role: .admin, permission: .erasePersonalData, access: nil, allowed: true),
        Case(role: .admin, permission: .operations, access: nil, allowed: true),
        Case(role: .admin, permission: .costDecision(1), access: foreign, allowed: true),
    ]

    @Test(arguments: cases)
    func decidesInOnePlace(_ c: Case) {
        let actor = Actor(userID: Self.me, name: "x", role: c.role, command: "test")
        #expect(AccessPolicy.allows(actor, c.permission, case: c.access) == c.allowed)
    }
}

@Suite struct SharingTests {
    @Test func sharedCaseIsVisibleToTheSecondCoachAndNotToAThird() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        #expect(throws: StoreError.self) { _ = try f.db.householdDetail("A-1", by: f.otherCoach) }

        let team = try f.db.shareHousehold("A-1", withCoach: "tberg", today: f.today, by: f.admin)
        #expect(team.coach == "mkoch" && team.sharedWith == ["tberg"])
        #expect(try f.db.householdDetail("A-1", by: f.otherCoach).members.count == 2)
        #expect(try f.db.households(HouseholdFilter(), by: f.otherCoach).map(\.referenceCode) == ["A-1"])
        _ = try f.db.addVisit(Visit(householdID: 0, coachID: f.otherCoach.userID, date: f.today, kind: .phone, durationMinutes: 5), toHousehold: "A-1", by: f.otherCoach)

        #expect(throws: StoreError.self) { _ = try f.db.householdDetail("A-1", by: f.thirdCoach) }
        #expect(try f.db.households(HouseholdFilter(), by: f.thirdCoach).isEmpty)

        _ = try f.db.unshareHousehold("A-1", fromCoach: "tberg", by: f.admin)
        #expect(throws: StoreError.self) { _ = try f.db.householdDetail("A-1", by: f.otherCoach) }
    }

    @Test func sharedCoachRecordsAttendanceAndSeesNamesInCourses() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        let member = try #require(try f.db.householdDetail("A-1", by: f.coach).members.first?.id)
        let course = try f.db.createCourse(Course(title: "W", requiredModules: [.lease]), by: f.coach)
        let session = try f.db.addSession(
            CourseSession(courseID: try #require(course.id), date: f.today, startTime: "10:00", place: "P", trainer: "T", language: "ar", capacity: 5, modules: [.lease]),
            by: f.coach)
        let sessionID = try #require(session.id)
        #expect(throws: StoreError.self) { try f.db.recordAttendance(session: sessionID, [(member, .present)], by: f.otherCoach) }
        _ = try f.db.shareHousehold("A-1", withCoach: "tberg", today: f.today, by: f.admin)
        try f.db.recordAttendance(session: sessionID, [(member, .present)], by: f.otherCoach)
        #expect(try f.db.courseDetail(try #require(course.id), by: f.otherCoach).participants.map(\.name) == ["Amal Haddad"])
        #expect(try f.db.courseDetail(try #require(course.id), by: f.thirdCoach).participants.map(\.name) == [nil])
    }

    @Test func onlyAnAdminSharesAndOnlyWithCoaches() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        let before = try f.dump()
        #expect(refusal { _ = try f.db.shareHousehold("A-1", withCoach: "tberg", today: f.today, by: f.coach) }
            == "mkoch (coach) may not share cases with coaches: this needs an admin; nothing was changed")
        #expect(throws: StoreError.self) { _ = try f.db.shareHousehold("A-1", withCoach: "jc", today: f.today, by: f.admin) }
        #expect(throws: StoreError.self) { _ = try f.db.shareHousehold("A-1", withCoach: "mkoch", today: f.today, by: f.admin) }
        #expect(try f.dump() == before)
    }
}

@Suite struct ReadAuditTests {
    /// Each read of a household's personal data leaves a row naming actor, command, entity and household.
    @Test func readsOfPersonalDataAreAudited() throws {
        let f = try PrivacyFixture()
        let h = try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        var reader = f.coach
        reader.command = "household show"
        _ = try f.db.householdDetail("A-1", by: reader)
        var exporter = f.admin
        exporter.command = "privacy export"
        _ = try f.db.privacyExport("A-1", by: exporter)
        let rows = try f.db.auditEntries(householdKey: "A-1", by: f.admin)
        let read = try #require(rows.first { $0.action == "read" })
        #expect(read.actor == "mkoch" && read.entity == "household" && read.householdID == h.id?.rawValue)
        #expect(read.detail == "command: household show")
        #expect(!read.at.isEmpty)
        let export = try #require(rows.first { $0.action == "export" })
        #expect(export.actor == "admin" && export.detail?.hasPrefix("command: privacy export") == true)
    }

    /// A matching run reads every case looking for a flat: one audit row per household, written in
    /// one go, and the chain still verifies.
    @Test func matchingInputAuditsEveryHouseholdRead() throws {
        let f = try PrivacyFixture()
        let households = try ["A-1", "A-2", "A-3"].map { try f.household($0, given: "Amal", family: "Haddad", note: "n") }
        var matcher = f.admin
        matcher.command = "match run"
        let input = try f.db.matchingInput(on: f.today, by: matcher)
        #expect(input.households.count == 3)
        for h in households {
            let rows = try f.db.auditEntries(householdKey: h.referenceCode, by: f.admin).filter { $0.detail == "command: match run; matching input" }
            #expect(rows.count == 1 && rows.first?.action == "read" && rows.first?.entityID == h.id?.rawValue, "\(h.referenceCode)")
        }
        let verification = try f.db.verifyAuditLog(by: f.admin)
        #expect(verification.problem == nil)
    }

    /// A refused attempt is rolled back and then audited on its own: who tried what, from which
    /// command, on which case, so that an admin sees attempts to reach cases outside one's role.
    @Test func refusedAttemptsAreAudited() throws {
        let f = try PrivacyFixture()
        let h = try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        var clerk = f.jobcentre
        clerk.command = "household show"
        #expect(throws: StoreError.self) { _ = try f.db.householdDetail("A-1", by: clerk) }
        #expect(throws: StoreError.self) { _ = try f.db.createUser(User(name: "x", role: .admin), by: f.coach) }
        let refused = try f.db.auditEntries(by: f.admin).filter { $0.action == "refused" }
        #expect(refused.count == 2)
        let read = try #require(refused.first { $0.actor == "jc" })
        #expect(read.entity == "access" && read.householdID == h.id?.rawValue)
        #expect(read.detail?.hasPrefix("command: household show; refused: ") == true && read.detail?.contains("(needs ") == true, "\(read.detail ?? "")")
        let add = try #require(refused.first { $0.actor == "mkoch" })
        #expect(add.householdID == nil && add.detail?.contains("refused: add users (needs an admin)") == true, "\(add.detail ?? "")")
        for row in refused { #expect(!(row.detail ?? "").contains("Haddad") && !(row.detail ?? "").contains("A-1")) }
        #expect(try f.db.verifyAuditLog(by: f.admin).problem == nil)
    }

    @Test func aRefusedReadChangesNothing() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        let before = try f.dump()
        #expect(throws: StoreError.self) { _ = try f.db.householdDetail("A-1", by: f.jobcentre) }
        #expect(throws: StoreError.self) { _ = try f.db.privacyExport("A-1", by: f.otherCoach) }
        #expect(try f.dump() == before)
    }

    /// The job centre reads listings but does not change them: an import on its behalf is refused and
    /// leaves the file as it was (listings, import runs, fetch state); a coach's import goes in.
    @Test func theJobCentreMayNotImportListings() throws {
        let f = try PrivacyFixture(inFile: true)
        func importOne(by actor: Actor) throws {
            _ = try f.db.importSource("co", today: f.today, fetchState: nil, actor: actor) { session in
                try session.upsert(
                    Listing(
                        source: "co", externalID: "E1", address: Address(), rooms: 2, livingArea: 50, netColdRent: Money(cents: 40_000),
                        operatingCosts: Money(cents: 8_000), firstSeen: f.today, lastSeen: f.today),
                    contentHash: "h1", landlord: nil)
                return ((), true, { counts in
                    ImportRunRecord(
                        source: "co", startedAt: "s", finishedAt: "f", outcome: .imported, httpStatus: nil, bytes: 0, scope: nil,
                        counts: counts, skipped: 0, warnings: 0, error: nil, diagnostics: [])
                })
            }
        }
        let before = try f.dump()
        #expect {
            try importOne(by: f.jobcentre)
        } throws: { error in
            "\(error)".contains("import listings") && "\(error)".contains("a coach or an admin")
        }
        #expect(try f.dump() == before)
        try importOne(by: f.coach)
        #expect(try f.db.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM listing") } == 1)
    }

    @Test func aJobCentreUserCannotRunMatching() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        let before = try f.dump()
        #expect(throws: StoreError.self) { _ = try f.db.matchingInput(on: f.today, by: f.jobcentre) }
        #expect(try f.dump() == before)
    }

    /// Audit rows outlive an erasure, so they must never hold names, notes or reference codes.
    @Test func auditDetailsHoldNoPersonalValues() throws {
        let f = try PrivacyFixture()
        try f.household("PLÖ-2026-777", given: "Amal", family: "Haddad", note: "Mould in the bathroom")
        _ = try f.db.updateHousehold("PLÖ-2026-777", by: f.coach) { $0.referenceCode = "PLÖ-2026-778" }
        _ = try f.db.householdDetail("PLÖ-2026-778", by: f.coach)
        _ = try f.db.shareHousehold("PLÖ-2026-778", withCoach: "tberg", today: f.today, by: f.admin)
        _ = try f.db.privacyExport("PLÖ-2026-778", by: f.admin)
        let text = try f.rows("SELECT * FROM auditLog").map(\.description).joined(separator: "\n")
        for secret in ["Amal", "Haddad", "Mould", "PLÖ-2026-777", "PLÖ-2026-778", "stage note"] {
            #expect(!text.contains(secret), "audit rows contain '\(secret)'")
        }
    }
}

@Suite struct AuditChainTests {
    func tamper(_ f: PrivacyFixture, _ sql: String) throws {
        try f.db.writer.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER auditLog_no_update; DROP TRIGGER auditLog_no_delete")
            try db.execute(sql: sql)
        }
    }

    @Test func anIntactLogVerifies() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        let result = try f.db.verifyAuditLog(by: f.admin)
        #expect(result.isIntact)
        #expect(result.rows == (try f.auditCount()) - 1, "the verify row itself comes after the walk")
        #expect(try f.db.verifyAuditLog(by: f.admin).isIntact, "the verify row is chained too")
    }

    @Test(arguments: [
        "UPDATE auditLog SET actor = 'someone-else' WHERE id = 5",
        "UPDATE auditLog SET detail = NULL WHERE id = 5",
        "UPDATE auditLog SET at = '2020-01-01T00:00:00Z' WHERE id = 5",
        "UPDATE auditLog SET householdId = 99 WHERE id = 5",
    ])
    func aChangedRowIsNamed(_ sql: String) throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        try tamper(f, sql)
        let result = try f.db.verifyAuditLog(by: f.admin)
        #expect(result.problem?.rowID == 5)
        #expect(result.problem?.reason.contains("changed after it was written") == true)
        #expect(result.rows == 4)
    }

    @Test func aChangedRowWithARecomputedHashBreaksTheNextLink() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        // Someone who knows the scheme rewrites row 5 and its hash; row 6 still names the old hash.
        let row = try #require(try f.rows("SELECT * FROM auditLog WHERE id = 5").first)
        var content = AuditChain.Content(row: row)
        content.actor = "someone-else"
        let forged = AuditChain.hash(content, prevHash: row["prevHash"])
        try tamper(f, "UPDATE auditLog SET actor = 'someone-else', hash = '\(forged)' WHERE id = 5")
        let result = try f.db.verifyAuditLog(by: f.admin)
        #expect(result.problem?.rowID == 6)
    }

    @Test func aDeletedRowIsDetected() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        try tamper(f, "DELETE FROM auditLog WHERE id = 5")
        let result = try f.db.verifyAuditLog(by: f.admin)
        #expect(result.problem?.rowID == 6)
        #expect(result.problem?.reason.contains("does not follow row 4") == true)
    }

    @Test func rowsDeletedFromTheEndAreDetected() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        let last = try #require(try f.rows("SELECT MAX(id) AS id FROM auditLog").first?["id"] as Int64?)
        try tamper(f, "DELETE FROM auditLog WHERE id >= \(last - 1)")
        // Verify inside one read so that its own audit row does not hide the gap.
        let result = try f.db.writer.read { try AuditChain.verify($0) }
        #expect(result.problem?.rowID == last)
        #expect(result.problem?.reason.contains("rows at the end were deleted") == true)
    }

    @Test func theProductCannotWriteAnUnchainedRow() throws {
        let f = try PrivacyFixture()
        #expect(throws: DatabaseError.self) {
            try f.db.writer.write { try $0.execute(sql: "INSERT INTO auditLog (at, actor, action, entity) VALUES ('x', 'x', 'x', 'x')") }
        }
        #expect(throws: DatabaseError.self) { try f.db.writer.write { try $0.execute(sql: "UPDATE auditLog SET actor = 'x'") } }
        #expect(throws: DatabaseError.self) { try f.db.writer.write { try $0.execute(sql: "DELETE FROM auditLog") } }
    }

    @Test func onlyAdminsVerify() throws {
        let f = try PrivacyFixture()
        #expect(refusal { _ = try f.db.verifyAuditLog(by: f.coach) } == "mkoch (coach) may not verify the audit log: this needs an admin; nothing was changed")
    }

    /// A v1 file's rows are chained by the v4 migration, in id order, and verify afterwards.
    @Test func theMigrationChainsOlderRows() throws {
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/v1-case-management", withExtension: "sqlite"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("v1.sqlite").path
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
        let old = try DatabaseQueue(path: path)
        let oldCount = try old.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM auditLog") ?? 0 }
        try old.close()
        #expect(oldCount > 0)

        let db = try AppDatabase.open(path: path)
        let unchained = try db.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM auditLog WHERE hash IS NULL") }
        #expect(unchained == 0)
        let first = try db.writer.read { try Row.fetchOne($0, sql: "SELECT prevHash FROM auditLog ORDER BY id LIMIT 1") }
        #expect(first?["prevHash"] == AuditChain.genesis)
        let admin = try db.actor(named: "admin", command: "test")
        let result = try db.verifyAuditLog(by: admin)
        #expect(result.isIntact && result.rows == oldCount)
    }

    /// SHA-256 itself, against the FIPS 180-2 example, so the canonical form rests on a known digest.
    @Test func hashIsSHA256OverPrevHashAndCanonicalForm() {
        let content = AuditChain.Content(id: 1, at: "t", actor: "a", action: "read", entity: "household", entityID: nil, householdID: 3, detail: nil)
        let h = AuditChain.hash(content, prevHash: AuditChain.genesis)
        #expect(h.count == 64 && h.allSatisfy(\.isHexDigit))
        #expect(h != AuditChain.hash(content, prevHash: String(repeating: "1", count: 64)))
        var moved = content
        moved.entityID = 3
        moved.householdID = nil
        #expect(h != AuditChain.hash(moved, prevHash: AuditChain.genesis), "the same values in other fields hash differently")
    }
}

@Suite struct PrivacyExportTests {
    @Test func exportHoldsTheHouseholdAndNothingOfAnother() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "Mould in the bathroom")
        try f.household("B-1", given: "Yusuf", family: "Rahimi", note: "Landlord called about B", by: f.otherCoach)
        let course = try f.db.createCourse(Course(title: "Wohnschule", requiredModules: [.lease]), by: f.coach)
        let session = try f.db.addSession(
            CourseSession(courseID: try #require(course.id), date: f.today, startTime: "10:00", place: "Bürgerhaus", trainer: "T", language: "ar", capacity: 5, modules: [.lease]),
            by: f.coach)
        let a = try #require(try f.db.householdDetail("A-1", by: f.coach).members.first?.id)
        let b = try #require(try f.db.householdDetail("B-1", by: f.otherCoach).members.first?.id)
        try f.db.recordAttendance(session: try #require(session.id), [(a, .present)], by: f.coach)
        try f.db.recordAttendance(session: try #require(session.id), [(b, .present)], by: f.otherCoach)

        let export = try f.db.privacyExport("A-1", by: f.coach)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(export), as: UTF8.self)
        for mine in ["Amal", "Haddad", "Mould in the bathroom", "Bäckerei Haddad", "stage note Haddad", "BG-Haddad", "GU Haddad", "A-1", "Wohnschule"] {
            #expect(json.contains(mine), "the export lacks '\(mine)'")
        }
        for theirs in ["Yusuf", "Rahimi", "Landlord called about B", "B-1"] {
            #expect(!json.contains(theirs), "the export holds '\(theirs)' of another household")
        }
        #expect(export.tables["member"]?.count == 2)
        #expect(export.tables["anchor"]?.count == 1)
        #expect(export.tables["visit"]?.first?["note"] == .text("Mould in the bathroom"))
        #expect(export.tables["attendance"]?.count == 1)
        #expect(export.certificates.map(\.state.isEarned) == [true])
        #expect(export.tables["auditLog"]?.isEmpty == false)
        #expect(export.tables.keys.sorted() == [
            "anchor", "attendance", "auditLog", "householdCoach", "member", "stageChange", "suggestion", "suggestionEvent", "visit",
        ])
    }
}

@Suite struct ErasureTests {
    /// The raw bytes of the database file and its WAL.
    func fileBytes(_ path: String) throws -> Data {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = FileManager.default.contents(atPath: path + "-wal") { data.append(wal) }
        return data
    }

    @Test func erasureLeavesNoTraceInTheFile() throws {
        let f = try PrivacyFixture(inFile: true)
        let path = try #require(f.path)
        try f.household("PLÖ-2026-014", given: "Amal", family: "Haddad", note: "Mould in the bathroom")
        try f.household("PLÖ-2026-015", given: "Yusuf", family: "Rahimi", note: "Heating explained", by: f.otherCoach)
        _ = try f.db.shareHousehold("PLÖ-2026-014", withCoach: "tberg", today: f.today, by: f.admin)
        let secrets = ["Amal", "Haddad", "Mould in the bathroom", "PLÖ-2026-014", "plö-2026-014", "stage note Haddad", "Bäckerei Haddad", "BG-Haddad"]
        #expect(secrets.allSatisfy { (try? fileBytes(path).range(of: Data($0.utf8))) != nil }, "the test looks for bytes that are there")

        #expect(throws: OperationsError.self) {
            _ = try f.db.eraseHousehold("PLÖ-2026-014", confirmation: "PLÖ-2026-015", today: f.today, by: f.admin)
        }
        #expect(refusal { _ = try f.db.eraseHousehold("PLÖ-2026-014", confirmation: "PLÖ-2026-014", today: f.today, by: f.coach) }
            == "mkoch (coach) may not erase personal data: this needs an admin; nothing was changed")

        let (report, scrub) = try f.db.eraseHousehold("PLÖ-2026-014", confirmation: "plö-2026-014", today: f.today, by: f.admin)
        #expect(scrub == FileScrub(vacuumed: true, walTruncated: true))
        #expect(report.removed.members == 2 && report.removed.anchors == 1 && report.removed.visits == 1 && report.removed.visitNotes == 1)
        #expect(report.removed.stageNotes == 2 && report.removed.sharedWithCoaches == 1, "'case opened' and the coaching note")
        #expect(report.kept.reference.hasPrefix("ERASED-") && report.kept.size == 2 && report.kept.stage == .closed && report.closedFrom == .coaching)
        #expect(report.kept.benefitType == .sgb2 && report.kept.closedOn == f.today && report.kept.coach == "mkoch")

        let bytes = try fileBytes(path)
        for secret in secrets {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "'\(secret)' survives in the file")
        }
        #expect(bytes.range(of: Data("Rahimi".utf8)) != nil, "the other household is untouched")
        #expect(try f.db.verifyAuditLog(by: f.admin).isIntact, "audit rows were kept, unchanged")
        let list = try f.db.households(HouseholdFilter(), by: f.admin)
        #expect(list.map(\.referenceCode) == [report.kept.reference, "PLÖ-2026-015"])
        #expect(list.first?.size == 2, "the remainder keeps its size for reporting")
        #expect(throws: OperationsError.alreadyErased(household: report.kept.reference)) {
            _ = try f.db.eraseHousehold(report.kept.reference, confirmation: report.kept.reference, today: f.today, by: f.admin)
        }
    }
}

extension ErasureTests {
    @Test func theRemainderAvoidsAReferenceCodeSomeoneAlreadyUses() throws {
        let f = try PrivacyFixture()
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        _ = try f.household("ERASED-1", given: "Eve", family: "Other", note: "m")
        let (report, _) = try f.db.eraseHousehold("A-1", confirmation: "A-1", today: f.today, by: f.admin)
        #expect(report.kept.reference == "ERASED-1-2")
        #expect(try f.db.householdDetail("ERASED-1", by: f.admin).members.count == 2, "the other case is untouched")
    }
}

@Suite struct RetentionSweepTests {
    func date(_ iso: String) throws -> CalendarDate { try #require(CalendarDate(iso: iso)) }

    /// Today 2026-03-01 with 24 months for closed cases, 12 for visit notes, 90 days for diagnostics.
    func cutoffs() throws -> RetentionCutoffs {
        RetentionCutoffs(
            casesClosedOnOrBefore: try date("2024-03-01"), visitNotesOnOrBefore: try date("2025-03-01"),
            importRunsOnOrBefore: try date("2025-12-01"))
    }

    func populated() throws -> PrivacyFixture {
        let f = try PrivacyFixture()
        try f.household("OLD-1", given: "Amal", family: "Haddad", note: "old case note", openedOn: try date("2022-06-01"))
        _ = try f.db.moveStage("OLD-1", to: .closed, on: try date("2023-01-10"), note: nil, by: f.coach)
        try f.household("EDGE-1", given: "Edda", family: "Grenz", note: "edge note", openedOn: try date("2023-06-01"))
        _ = try f.db.moveStage("EDGE-1", to: .closed, on: try date("2024-03-01"), note: nil, by: f.coach)
        try f.household("NEW-1", given: "Yusuf", family: "Rahimi", note: "recent closed note", openedOn: try date("2025-04-01"))
        _ = try f.db.moveStage("NEW-1", to: .closed, on: try date("2025-06-01"), note: nil, by: f.coach)
        try f.household("OPEN-1", given: "Sara", family: "Ahmadi", note: "old open note", openedOn: try date("2024-12-01"))
        _ = try f.db.addVisit(Visit(householdID: 0, coachID: f.coach.userID, date: try date("2025-06-01"), kind: .phone, durationMinutes: 5, note: "fresh note"), toHousehold: "OPEN-1", by: f.coach)
        for (finished, diagnostics) in [("2025-11-01T03:00:00Z", ["row 3: landlord phone 0431 1234"]), ("2026-02-20T03:00:00Z", ["row 9: bad rent"])] {
            try f.db.recordRun(ImportRunRecord(
                source: "kwg", startedAt: finished, finishedAt: finished, outcome: .failed, httpStatus: 500, bytes: 0, scope: nil,
                counts: ReconcileCounts(), skipped: 0, warnings: 1, error: "HTTP 500", diagnostics: diagnostics))
        }
        return f
    }

    @Test func aDryRunChangesNothing() throws {
        let f = try populated()
        let before = try f.dump()
        let report = try f.db.retentionSweep(try cutoffs(), today: f.today, apply: false, by: f.admin)
        #expect(try f.dump() == before, "not even an audit row")
        #expect(!report.applied)
        #expect(report.cases.map(\.closedOn.iso) == ["2023-01-10", "2024-03-01"])
        #expect(report.visitNotes == 1 && report.visitNotesByHousehold.count == 1)
        #expect(report.importRunDiagnostics == 1)
    }

    @Test func applyAnonymisesExactlyWhatIsDue() throws {
        let f = try populated()
        let report = try f.db.retentionSweep(try cutoffs(), today: f.today, apply: true, by: f.admin)
        #expect(report.applied && report.erasures.count == 2)
        let refs = try f.rows("SELECT referenceCode FROM household ORDER BY id").map { $0["referenceCode"] as String }
        #expect(refs == ["ERASED-1", "ERASED-2", "NEW-1", "OPEN-1"])
        let names = try f.rows("SELECT familyName FROM member ORDER BY id").map { $0["familyName"] as String }
        #expect(Set(names) == ["Rahimi", "Ahmadi"])
        let notes = try f.rows("SELECT note FROM visit ORDER BY id").map { $0["note"] as String? }
        #expect(notes == ["recent closed note", nil, "fresh note"])
        let diagnostics = try f.rows("SELECT diagnostics FROM importRun ORDER BY id").map { $0["diagnostics"] as String? }
        #expect(diagnostics == [nil, "row 9: bad rent"])
        #expect(try f.auditCount(action: "erase") == 2 && f.auditCount(action: "clear-notes") == 1 && f.auditCount(action: "prune") == 1)

        let again = try f.db.retentionSweep(try cutoffs(), today: f.today, apply: false, by: f.admin)
        #expect(again.isEmpty, "a second sweep finds nothing due")
    }

    @Test func onlyAdminsSweep() throws {
        let f = try populated()
        #expect(refusal { _ = try f.db.retentionSweep(try cutoffs(), today: f.today, apply: false, by: f.coach) }
            == "mkoch (coach) may not apply the retention policy: this needs an admin; nothing was changed")
    }
}

/// Counts kept under a lock by a writer thread.
final class WriterProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var failure: String?
    private var stopRequested = false
    func add() { lock.withLock { count += 1 } }
    func fail(_ message: String) { lock.withLock { failure = message } }
    func stop() { lock.withLock { stopRequested = true } }
    var stopped: Bool { lock.withLock { stopRequested } }
    var state: (count: Int, failure: String?) { lock.withLock { (count, failure) } }
}

@Suite struct BackupRestoreTests {
    func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func backupWhileAWriterIsBusyIsConsistentAndRestores() throws {
        let f = try PrivacyFixture(inFile: true)
        let path = try #require(f.path)
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        // A second connection pool on the same file, as another process would have, inserting for a bounded time.
        let other = try AppDatabase.open(path: path)
        let writerActor = try other.actor(named: "mkoch", command: "writer")
        let progress = WriterProgress()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            // Bounded: until the test has seen writes after the backup, at most 30 seconds.
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline && !progress.stopped {
                do {
                    _ = try other.createLandlord(Landlord(name: "L\(progress.state.count)", kind: .private), by: writerActor)
                    progress.add()
                } catch {
                    progress.fail("\(error)")
                    break
                }
            }
            progress.stop()
            done.signal()
        }
        while progress.state.count < 20 && progress.state.failure == nil { Thread.sleep(forTimeInterval: 0.01) }
        let target = try directory().appendingPathComponent("copy.sqlite").path
        let report = try f.db.backup(to: target, by: f.admin)
        let atBackup = progress.state.count
        while progress.state.count < atBackup + 5 && progress.state.failure == nil && !progress.stopped { Thread.sleep(forTimeInterval: 0.01) }
        progress.stop()
        done.wait()
        #expect(progress.state.failure == nil)
        #expect(progress.state.count > atBackup, "the writer kept writing during and after the backup")

        #expect(report.auditIntact)
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!FileManager.default.fileExists(atPath: target + "-wal") && !FileManager.default.fileExists(atPath: target + ".partial"))
        let check = try AppDatabase.checkBackup(at: target)
        #expect(check.auditChainChecked)
        let copied = try DatabaseQueue(path: target).read { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM landlord") ?? 0)
        }
        #expect(copied.0 == ["ok"])
        #expect(copied.1 >= 20 && copied.1 <= progress.state.count, "a snapshot taken while the writer ran")

        // Restore over the live file.
        let restored = try AppDatabase.restore(from: target, to: path, actorName: "admin")
        #expect(restored.keptPreviousAt == path + ".before-restore")
        let reopened = try AppDatabase.open(path: path)
        let admin = try reopened.actor(named: "admin", command: "test")
        #expect(try reopened.landlords(by: admin).count == copied.1)
        #expect(try reopened.verifyAuditLog(by: admin).isIntact)
        let keptCount = try DatabaseQueue(path: path + ".before-restore").read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM landlord") }
        #expect(keptCount == progress.state.count, "the replaced file is kept whole, with its WAL")
    }

    @Test func backupNeverOverwritesAndNeedsAnAdmin() throws {
        let f = try PrivacyFixture(inFile: true)
        let target = try directory().appendingPathComponent("copy.sqlite").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: target))
        #expect(throws: OperationsError.targetExists(path: target)) { _ = try f.db.backup(to: target, by: f.admin) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")
        #expect(refusal { _ = try f.db.backup(to: target + "2", by: f.coach) }
            == "mkoch (coach) may not back up the database: this needs an admin; nothing was changed")
    }

    enum BadBackup: String, CaseIterable, Sendable {
        case textFile, corrupt, notWohnlotse, newerSchema, tamperedAudit, missing
    }

    /// Writes a bad backup next to a good live database.
    func make(_ kind: BadBackup, from f: PrivacyFixture, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("\(kind.rawValue).sqlite").path
        switch kind {
        case .missing:
            break
        case .textFile:
            try Data("not a database\n".utf8).write(to: URL(fileURLWithPath: path))
        case .notWohnlotse:
            let q = try DatabaseQueue(path: path)
            try q.write { try $0.execute(sql: "CREATE TABLE shopping (item TEXT); INSERT INTO shopping VALUES ('milk')") }
            try q.close()
        case .corrupt, .newerSchema, .tamperedAudit:
            _ = try f.db.backup(to: path, by: f.admin)
            if kind == .corrupt {
                let handle = try #require(FileHandle(forUpdatingAtPath: path))
                // Keep the header page, garble every page after it.
                let size = try handle.seekToEnd()
                try handle.seek(toOffset: 4096)
                try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
                try handle.close()
            } else {
                let q = try DatabaseQueue(path: path)
                try q.writeWithoutTransaction { db in
                    if kind == .newerSchema {
                        try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
                    } else {
                        try db.execute(sql: "DROP TRIGGER auditLog_no_update; UPDATE auditLog SET actor = 'nobody' WHERE id = 3")
                    }
                }
                try q.close()
            }
        }
        return path
    }

    @Test(arguments: BadBackup.allCases)
    func restoreRefusesABadBackupAndLeavesTheDatabaseAlone(_ kind: BadBackup) throws {
        let f = try PrivacyFixture(inFile: true)
        let live = try #require(f.path)
        try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        let bad = try make(kind, from: f, in: try directory())
        let before = try f.dump()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: live))
        #expect {
            _ = try AppDatabase.restore(from: bad, to: live, actorName: "admin")
        } throws: { error in
            guard let error = error as? OperationsError else { return false }
            switch (kind, error) {
            case (.textFile, .notWohnlotse), (.notWohnlotse, .notWohnlotse), (.corrupt, .backupDamaged), (.newerSchema, .backupTooNew),
                (.tamperedAudit, .backupAuditBroken), (.missing, .backupMissing):
                return error.description.hasSuffix("nothing was changed")
            default:
                return false
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: live)) == bytes)
        #expect(try f.dump() == before)
        #expect(!FileManager.default.fileExists(atPath: live + ".before-restore"))
    }

    @Test func restoreResolvesTheAdminFromTheBackupAndWorksOnADamagedDatabase() throws {
        let backup = try directory().appendingPathComponent("good.sqlite").path
        // The fixture (and its connections) end with this closure, as when the program has stopped.
        let live = try { () throws -> String in
            let f = try PrivacyFixture(inFile: true)
            try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
            _ = try f.db.backup(to: backup, by: f.admin)
            return try #require(f.path)
        }()
        #expect(!FileManager.default.fileExists(atPath: live + "-wal"))
        #expect(throws: StoreError.forbidden(action: "restore a backup", needs: "an admin among the backup's users", actor: "mkoch", role: .coach)) {
            _ = try AppDatabase.restore(from: backup, to: live, actorName: "mkoch")
        }
        #expect(throws: StoreError.unknownUser(name: "ghost")) { _ = try AppDatabase.restore(from: backup, to: live, actorName: "ghost") }

        // The live file is destroyed: the restore still works, and keeps the damaged file aside.
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: live))
        #expect(throws: (any Error).self) { _ = try AppDatabase.open(path: live) }
        let report = try AppDatabase.restore(from: backup, to: live, actorName: "admin")
        #expect(report.keptPreviousAt == live + ".before-restore")
        let db = try AppDatabase.open(path: live)
        let admin = try db.actor(named: "admin", command: "test")
        #expect(try db.householdDetail("A-1", by: admin).members.count == 2)
        #expect(try db.auditEntries(by: admin).contains { $0.action == "restore" && $0.actor == "admin" })
        #expect(try Data(contentsOf: URL(fileURLWithPath: live + ".before-restore")) == Data(repeating: 0x42, count: 8192))
        #expect(throws: OperationsError.previousRestoreKept(path: live + ".before-restore")) {
            _ = try AppDatabase.restore(from: backup, to: live, actorName: "admin")
        }
    }
}

/// Suggested flats are about a household too: the job centre's access, the export and the erasure.
@Suite struct SuggestionPrivacyTests {
    /// A household with one suggestion, moved to `submitted` with a coach's note.
    func submitted(_ f: PrivacyFixture) throws -> Int64 {
        let h = try f.household("A-1", given: "Amal", family: "Haddad", note: "n")
        let listing = try f.db.createListing(
            Listing(source: "manual", externalID: "", address: Address(postalCode: PostalCode("24306"), place: "Plön"), rooms: 2, livingArea: 55,
                netColdRent: Money(euros: 400), operatingCosts: Money(euros: 80), firstSeen: f.today, lastSeen: f.today),
            by: f.coach)
        let run = try f.db.saveMatchRun(
            date: f.today, startedAt: "2026-03-01T08:00:00Z", parameters: "{}", households: 1, listings: 1, pairsConsidered: 1, feasiblePairs: 1,
            milliseconds: 1,
            suggestions: [NewSuggestion(
                householdID: try #require(h.id), listingID: try #require(listing.id), rank: 1, score: 0.9, priority: 1, assigned: true,
                costVerdict: "appropriate", grossColdRent: Money(euros: 480), limit: Money(euros: 500),
                explanation: #"{"trips":[{"anchor":"Bäckerei Haddad"}]}"#)],
            explanationTerms: nil, by: f.coach)
        let id = try #require(try f.db.suggestions(runID: run.id, by: f.coach).first?.id)
        _ = try f.db.moveSuggestion(id, to: .presented, on: f.today, by: f.coach)
        _ = try f.db.moveSuggestion(id, to: .submitted, on: f.today, note: "Haddad prefers the ground floor", by: f.coach)
        return id
    }

    @Test func theJobCentreMayDecideOnlyWhileASuggestionIsInReview() throws {
        let f = try PrivacyFixture()
        try f.household("B-1", given: "Yusuf", family: "Rahimi", note: "m")
        _ = try submitted(f)
        func decide(_ key: String, _ actor: Actor) -> String {
            do {
                return try f.db.writer.read { db in try f.db.requireCostDecision(key, by: actor, db).referenceCode }
            } catch {
                return "\(error)"
            }
        }
        #expect(decide("A-1", f.jobcentre) == "A-1")
        #expect(decide("B-1", f.jobcentre).contains("jc (jobcentre) may not see the cost decision for this household"))
        #expect(decide("A-1", f.otherCoach).contains("tberg (coach) may not"))
        #expect(decide("A-1", f.coach) == "A-1")
        #expect(throws: StoreError.self) { _ = try f.db.householdDetail("A-1", by: f.jobcentre) }
    }

    @Test func exportAndErasureCoverSuggestions() throws {
        let f = try PrivacyFixture(inFile: true)
        let path = try #require(f.path)
        _ = try submitted(f)
        let export = try f.db.privacyExport("A-1", by: f.admin)
        #expect(export.tables["suggestion"]?.count == 1)
        #expect(export.tables["suggestionEvent"]?.contains { $0["note"] == .text("Haddad prefers the ground floor") } == true)

        let (report, _) = try f.db.eraseHousehold("A-1", confirmation: "A-1", today: f.today, by: f.admin)
        #expect(report.removed.otherRows == ["suggestion": 1])
        #expect(try f.rows("SELECT * FROM suggestionEvent").isEmpty, "events go with their suggestion")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + (FileManager.default.contents(atPath: path + "-wal") ?? Data())
        for secret in ["Haddad", "ground floor", "Bäckerei"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "'\(secret)' survives")
        }
    }
}
