import ArgumentParser
import Foundation
import HousingDomain
import HousingStore
import ListingImport
import Matching
import RuleBook

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Set up a demo database of Kreis Plön and run the daily job on it.",
        discussion: """
            Creates ./wohnlotse.sqlite (or --db) with realistic, fictional demo cases, landlords, listings \
            and a renting course, then prints what a coach sees. It only ever replaces a database that an \
            earlier demo made; it refuses to touch any other file. Demo users: demo (admin), mkoch and \
            tberg (coaches), jc-preetz (job centre).
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The listing sources to import.") var sources = "Imports/sources.yaml"
    @Option(help: "Cases whose assigned flat is explained in full.") var explained = ["PLÖ-2026-003", "PLÖ-2026-004"]

    /// The first admin of a demo database; its presence marks a file as safe to replace.
    static let demoAdmin = "demo"

    /// Cases whose assigned flat the demo submits to the job centre, and whether it approves.
    static let reviewed = [("PLÖ-2026-005", false), ("PLÖ-2026-009", true)]

    func run() async throws {
        let path = global.databasePath
        if FileManager.default.fileExists(atPath: path) {
            guard AppDatabase.firstAdmin(atPath: path) == Self.demoAdmin else {
                throw ValidationError("\(path) exists and is not a demo database; refusing to replace it. Use --db demo.sqlite for the demo")
            }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let db = try AppDatabase.open(path: path, create: true)
        try db.bootstrap(adminName: Self.demoAdmin)
        let today = global.today
        let seeded = try DemoData.seed(db, today: today)
        print("Demo database \(path) (today is \(today.iso)): \(seeded.households) households, \(seeded.members) people, \(seeded.listings) listings, \(seeded.landlords) landlords.")
        // The daily job: import the sample feeds, then match.
        let admin = try db.actor(named: Self.demoAdmin, command: "demo")
        let book = try global.ruleBook()
        if FileManager.default.fileExists(atPath: sources) {
            let configs: [SourceConfig]
            do { configs = try ImportSources.load(from: URL(fileURLWithPath: sources)) } catch { throw CommandFailure(description: "\(error)") }
            let reports = try await ImportJob.perform(db: db, actor: admin, book: book, sources: configs, global: global)
            print("\nImport of \(sources):")
            for report in reports {
                print("  " + (report.succeeded ? ImportReportText.line(report.run) : "FAILED \(report.source): \(report.run.error ?? "")"))
            }
        } else {
            print("\n(\(sources) not found: no feeds imported)")
        }
        let (run, outcome, input) = try MatchJob.perform(db: db, actor: admin, book: book, rules: book.matching, on: today)
        print("\nMatching run \(run.id): \(run.households) households × \(run.listings) listings, \(run.feasiblePairs) feasible pairs, \(run.suggestions) suggestions, \(run.assigned) flats assigned (\(run.milliseconds) ms).")
        let stored = try db.suggestions(runID: run.id, by: admin)
        for reference in explained {
            guard let assigned = stored.first(where: { $0.householdReference == reference && $0.assigned }) else {
                print("\n\(reference): no flat assigned in this run")
                continue
            }
            let explanation = try decodeExplanation(assigned)
            print("\n" + ExplanationText.render(assigned, explanation, listing: try? db.listing(assigned.listingID, by: admin), redacted: false), terminator: "")
        }
        let unassigned = outcome.results.filter { $0.assigned == nil }.map { input.households[$0.household].household.referenceCode }
        if !unassigned.isEmpty { print("\nNo flat this time for: \(unassigned.joined(separator: ", "))") }

        // Two assigned flats go before the job centre, so its review queue and an approval sheet
        // have something to show: one waits for the decision, one has its Zusicherung.
        let coach = try db.actor(named: "mkoch", command: "demo")
        let jobcentre = try db.actor(named: "jc-preetz", command: "demo")
        var review: [String] = []
        for (reference, approve) in Self.reviewed {
            guard let s = stored.first(where: { $0.householdReference == reference && $0.assigned }) else { continue }
            _ = try db.moveSuggestion(s.id, to: .presented, on: today, note: "Wohnung mit der Familie angesehen", by: coach)
            _ = try db.moveSuggestion(s.id, to: .submitted, on: today, by: coach)
            if approve { _ = try db.moveSuggestion(s.id, to: .approved, on: today, note: "Kaution als Darlehen beantragen", by: jobcentre) }
            review.append("\(reference) (suggestion \(s.id), \(approve ? "Zusicherung granted" : "waiting for the job centre"))")
        }
        if !review.isEmpty { print("\nSubmitted to the job centre: \(review.joined(separator: "; ")).") }

        let agenda = try db.agenda(for: nil, today: today, horizonDays: 14, by: coach)
        print("\nAgenda of mkoch: \(agenda.followUps.count) follow-ups due, \(agenda.deadlines.count) deadlines within 14 days, \(agenda.sessions.count) course sessions, \(agenda.certificates.count) certificates just earned.")
        for d in agenda.deadlines.prefix(5) {
            print("  deadline \(d.deadline.iso) (\(d.daysLeft) d): \(d.householdReference), \(d.stage.rawValue)")
        }
        print("""

            Explore (demo users: demo = admin, mkoch and tberg = coaches, jc-preetz = job centre):
              wohnlotse match list --as mkoch                   wohnlotse match explain ID --as mkoch
              wohnlotse agenda --as mkoch                       wohnlotse household show PLÖ-2026-003 --as mkoch
              wohnlotse match move ID present --as mkoch        wohnlotse match move ID submit --as mkoch
              wohnlotse match review --as jc-preetz             wohnlotse match approve ID --as jc-preetz
            Web app (README, "Web app"): give the demo users a password, then serve and sign in:
              printf '%s\\n' 'PASSWORD' | wohnlotse user passwd mkoch --password-stdin --as demo
              wohnlotse serve        # http://127.0.0.1:8080/
            """)
    }
}

/// Realistic, fictional demo data for Kreis Plön: names are invented; places, postal codes and
/// municipality keys are real.
enum DemoData {
    struct Counts { var households = 0, members = 0, listings = 0, landlords = 0 }

    struct Person { let given: String, family: String, born: String, role: Member.Role }
    struct Place { let kind: Anchor.Kind, label: String, postalCode: String, place: String, days: Int, member: Int? }
    struct Case {
        let ref: String, coach: String, languages: [String], size: [Person], anchors: [Place]
        var stage: Stage = .searching
        var needs = Needs()
        var residence: ResidenceObligation = .none
        var deadlineInDays: Int? = nil
        var benefit: BenefitType = .sgb2
        var accommodation = "GU Plön"
    }

    static let cases: [Case] = [
        Case(ref: "PLÖ-2026-001", coach: "mkoch", languages: ["ar", "de"],
             size: [Person(given: "Amal", family: "Haddad", born: "1988-04-02", role: .applicant)],
             anchors: [Place(kind: .job, label: "Pflegeheim am See", postalCode: "24306", place: "Plön", days: 5, member: 0)],
             deadlineInDays: 40),
        Case(ref: "PLÖ-2026-002", coach: "mkoch", languages: ["ti"],
             size: [Person(given: "Semhar", family: "Tesfay", born: "2003-11-12", role: .applicant)],
             anchors: [Place(kind: .training, label: "Berufsschule Plön (Ausbildung Koch)", postalCode: "24306", place: "Plön", days: 2, member: 0),
                       Place(kind: .training, label: "Hotel Strandblick (Ausbildungsbetrieb)", postalCode: "24321", place: "Lütjenburg", days: 3, member: 0)],
             deadlineInDays: 10),
        Case(ref: "PLÖ-2026-003", coach: "mkoch", languages: ["fa", "de"],
             size: [Person(given: "Reza", family: "Ahmadi", born: "1985-06-20", role: .applicant), Person(given: "Maryam", family: "Ahmadi", born: "1989-01-15", role: .partner),
                    Person(given: "Sara", family: "Ahmadi", born: "2016-09-03", role: .child)],
             anchors: [Place(kind: .job, label: "Tischlerei Holm", postalCode: "24211", place: "Preetz", days: 5, member: 0),
                       Place(kind: .languageCourse, label: "Integrationskurs VHS Preetz", postalCode: "24211", place: "Preetz", days: 4, member: 1),
                       Place(kind: .school, label: "Grundschule", postalCode: "24211", place: "Preetz", days: 5, member: 2)],
             residence: .district("01057"), deadlineInDays: 75),
        Case(ref: "PLÖ-2026-004", coach: "mkoch", languages: ["uk", "ru"],
             size: [Person(given: "Olena", family: "Kovalenko", born: "1979-03-08", role: .applicant), Person(given: "Ivan", family: "Kovalenko", born: "2011-12-01", role: .child),
                    Person(given: "Daryna", family: "Kovalenko", born: "2014-05-22", role: .child), Person(given: "Halyna", family: "Petrenko", born: "1951-07-30", role: .otherRelative)],
             anchors: [Place(kind: .job, label: "Uni-Klinikum Kiel", postalCode: "24105", place: "Kiel", days: 5, member: 0),
                       Place(kind: .school, label: "Gemeinschaftsschule", postalCode: "24223", place: "Schwentinental", days: 5, member: 1),
                       Place(kind: .therapy, label: "Physiotherapie", postalCode: "24223", place: "Schwentinental", days: 2, member: 3)],
             needs: Needs(stepFree: true, groundFloorOrLift: true), deadlineInDays: 120, accommodation: "Wohnung auf Zeit, Raisdorf"),
        Case(ref: "PLÖ-2026-005", coach: "mkoch", languages: ["ar"],
             size: [Person(given: "Khaled", family: "Al-Masri", born: "1982-02-11", role: .applicant), Person(given: "Rania", family: "Al-Masri", born: "1986-10-05", role: .partner),
                    Person(given: "Omar", family: "Al-Masri", born: "2009-04-17", role: .child), Person(given: "Lina", family: "Al-Masri", born: "2012-08-29", role: .child),
                    Person(given: "Yara", family: "Al-Masri", born: "2017-01-09", role: .child)],
             anchors: [Place(kind: .job, label: "Baumarkt Lütjenburg", postalCode: "24321", place: "Lütjenburg", days: 5, member: 0),
                       Place(kind: .school, label: "Gemeinschaftsschule Lütjenburg", postalCode: "24321", place: "Lütjenburg", days: 5, member: 2),
                       Place(kind: .kita, label: "Kita Regenbogen", postalCode: "24321", place: "Lütjenburg", days: 5, member: 4)],
             residence: MunicipalityKey("01057048").map(ResidenceObligation.municipality) ?? .district("01057"), deadlineInDays: 25),
        Case(ref: "PLÖ-2026-006", coach: "tberg", languages: ["ku", "de"],
             size: [Person(given: "Dilan", family: "Yilmaz", born: "1990-05-05", role: .applicant), Person(given: "Baran", family: "Yilmaz", born: "1987-12-12", role: .partner),
                    Person(given: "Zana", family: "Yilmaz", born: "2013-03-03", role: .child), Person(given: "Rojin", family: "Yilmaz", born: "2015-07-07", role: .child),
                    Person(given: "Berfin", family: "Yilmaz", born: "2018-11-11", role: .child), Person(given: "Mizgin", family: "Yilmaz", born: "2021-02-02", role: .child)],
             anchors: [Place(kind: .job, label: "Logistikzentrum Schwentinental", postalCode: "24223", place: "Schwentinental", days: 5, member: 1),
                       Place(kind: .languageCourse, label: "Berufssprachkurs Kiel", postalCode: "24103", place: "Kiel", days: 3, member: 0)],
             deadlineInDays: 150),
        Case(ref: "PLÖ-2026-007", coach: "tberg", languages: ["dari", "ps"],
             size: [Person(given: "Ahmad", family: "Noori", born: "1975-09-09", role: .applicant), Person(given: "Zahra", family: "Noori", born: "1980-04-04", role: .partner),
                    Person(given: "Hamid", family: "Noori", born: "2004-06-06", role: .child), Person(given: "Farid", family: "Noori", born: "2007-08-08", role: .child),
                    Person(given: "Mina", family: "Noori", born: "2010-10-10", role: .child), Person(given: "Nilofar", family: "Noori", born: "2013-12-12", role: .child),
                    Person(given: "Omid", family: "Noori", born: "2016-01-01", role: .child)],
             anchors: [Place(kind: .training, label: "Ausbildung Elektroniker, Stadtwerke", postalCode: "24306", place: "Plön", days: 5, member: 2),
                       Place(kind: .school, label: "Gymnasium Schloss Plön", postalCode: "24306", place: "Plön", days: 5, member: 3)],
             deadlineInDays: 200),
        Case(ref: "PLÖ-2026-008", coach: "tberg", languages: ["so"],
             size: [Person(given: "Hodan", family: "Warsame", born: "1994-02-14", role: .applicant), Person(given: "Ayaan", family: "Warsame", born: "2022-06-30", role: .child)],
             anchors: [Place(kind: .languageCourse, label: "Integrationskurs Lütjenburg", postalCode: "24321", place: "Lütjenburg", days: 4, member: 0),
                       Place(kind: .kita, label: "Kita Lütjenburg", postalCode: "24321", place: "Lütjenburg", days: 4, member: 1)],
             stage: .coaching, needs: Needs(groundFloorOrLift: true, maxFloor: 1), deadlineInDays: 60),
        Case(ref: "PLÖ-2026-009", coach: "mkoch", languages: ["ar", "en"],
             size: [Person(given: "Tarek", family: "Nasser", born: "1998-08-18", role: .applicant), Person(given: "Huda", family: "Nasser", born: "2000-02-20", role: .partner)],
             anchors: [Place(kind: .job, label: "Werft Kiel", postalCode: "24143", place: "Kiel", days: 5, member: 0),
                       Place(kind: .training, label: "Ausbildung Pflege, Klinik Preetz", postalCode: "24211", place: "Preetz", days: 5, member: 1)],
             needs: Needs(pets: true), deadlineInDays: 90),
        Case(ref: "PLÖ-2026-010", coach: "tberg", languages: ["ru"],
             size: [Person(given: "Viktor", family: "Sokolov", born: "1958-01-25", role: .applicant)],
             anchors: [Place(kind: .therapy, label: "Dialysezentrum Preetz", postalCode: "24211", place: "Preetz", days: 3, member: 0)],
             needs: Needs(stepFree: true, groundFloorOrLift: true, wbsHeld: true, wbsRooms: 2), deadlineInDays: 30, benefit: .sgb12),
        Case(ref: "PLÖ-2026-011", coach: "mkoch", languages: ["ar"],
             size: [Person(given: "Samir", family: "Khalil", born: "2001-03-30", role: .applicant)],
             anchors: [Place(kind: .training, label: "Ausbildung KFZ, Autohaus Schönberg", postalCode: "24217", place: "Schönberg (Holstein)", days: 5, member: 0)],
             stage: .viewing, deadlineInDays: 20),
        Case(ref: "PLÖ-2026-012", coach: "tberg", languages: ["tr", "de"],
             size: [Person(given: "Elif", family: "Demir", born: "1992-09-19", role: .applicant), Person(given: "Can", family: "Demir", born: "2019-04-04", role: .child),
                    Person(given: "Deniz", family: "Demir", born: "2020-12-24", role: .child)],
             anchors: [Place(kind: .job, label: "Supermarkt Heikendorf", postalCode: "24226", place: "Heikendorf", days: 5, member: 0),
                       Place(kind: .kita, label: "Kita Heikendorf", postalCode: "24226", place: "Heikendorf", days: 5, member: 1)],
             deadlineInDays: 45, benefit: .asylblg),
    ]

    static func seed(_ db: AppDatabase, today: CalendarDate) throws -> Counts {
        var counts = Counts()
        let admin = try db.actor(named: DemoCommand.demoAdmin, command: "demo")
        for (name, display, role) in [("mkoch", "Maren Koch", User.Role.coach), ("tberg", "Tarek Berg", .coach), ("jc-preetz", "Jobcenter Preetz", .jobcentre)] {
            _ = try db.createUser(User(name: name, displayName: display, role: role), by: admin)
        }
        for c in cases {
            let coach = try db.actor(named: c.coach, command: "demo")
            var h = Household(
                referenceCode: c.ref, languages: c.languages, interpreterNeeded: !c.languages.contains("de"),
                currentAccommodation: c.accommodation, currentMunicipality: MunicipalityKey("01057057"),
                residenceObligation: c.residence, benefitType: c.benefit, needs: c.needs,
                earliestMoveDate: today, deadline: c.deadlineInDays.map { today.adding(days: $0) }, openedOn: today.adding(days: -90 + counts.households * 5))
            h = try db.createHousehold(h, coachName: nil, by: coach)
            counts.households += 1
            var memberIDs: [Member.ID] = []
            for p in c.size {
                guard let born = CalendarDate(iso: p.born) else { continue }
                let m = try db.addMember(Member(householdID: 0, givenName: p.given, familyName: p.family, birthDate: born, role: p.role),
                    toHousehold: c.ref, today: today, by: coach)
                if let id = m.id { memberIDs.append(id) }
                counts.members += 1
            }
            for a in c.anchors {
                let anchor = Anchor(householdID: 0, memberID: a.member.flatMap { $0 < memberIDs.count ? memberIDs[$0] : nil }, kind: a.kind, label: a.label,
                    address: Address(postalCode: PostalCode(a.postalCode), place: a.place), daysPerWeek: a.days)
                _ = try db.addAnchor(anchor, toHousehold: c.ref, by: coach)
            }
            var stage = Stage.intake
            let path: [Stage] = [.coaching, .searching, .viewing]
            for (step, next) in path.enumerated() where stage < c.stage {
                _ = try db.moveStage(c.ref, to: next, on: today.adding(days: -30 + step * 10), note: nil, by: coach)
                stage = next
            }
            _ = try db.addVisit(Visit(householdID: 0, coachID: coach.userID, date: today.adding(days: -14), kind: .homeVisit, durationMinutes: 60,
                topics: ["Wohnungssuche", "Heizen und Lüften"], note: "Unterlagen für die Bewerbung besprochen.",
                followUp: today.adding(days: counts.households % 3 == 0 ? -2 : 5)), toHousehold: c.ref, by: coach)
        }

        let coach = try db.actor(named: "mkoch", command: "demo")
        let landlords: [(String, Landlord.Kind, Landlord.Openness)] = [
            ("Baugenossenschaft Probstei eG (fiktiv)", .cooperative, .open), ("Wohnungsbau Plön GmbH (fiktiv)", .company, .open),
            ("Familie Petersen (fiktiv)", .private, .unknown), ("Amt Lütjenburg Wohnungsverwaltung (fiktiv)", .municipal, .open),
            ("Immobilien Nord KG (fiktiv)", .company, .declined),
        ]
        for (name, kind, openness) in landlords {
            _ = try db.createLandlord(Landlord(name: name, kind: kind, openness: openness, opennessRecordedOn: openness == .unknown ? nil : today.adding(days: -20)), by: coach)
            counts.landlords += 1
        }
        _ = try db.addLandlordContact(LandlordContact(landlordID: 3, date: today.adding(days: -9), coachID: coach.userID, channel: .phone,
            outcome: "Hat im Frühjahr eine 3-Zimmer-Wohnung frei, ruft zurück", followUp: today.adding(days: -1)), by: coach)

        let course = try db.createCourse(Course(title: "Wohnschule Plön \(today.year)"), by: coach)
        if let courseID = course.id {
            let plan: [(Int, [CourseModule])] = [(-14, [.heatingAndAiring, .wasteSeparation]), (-7, [.lease, .operatingCosts]),
                (-2, [.houseRules, .applying, .depositAndNotice, .jobcentreRules]), (5, [.heatingAndAiring, .lease])]
            var sessionIDs: [CourseSession.ID] = []
            for (offset, modules) in plan {
                let s = try db.addSession(CourseSession(courseID: courseID, date: today.adding(days: offset), startTime: "10:00",
                    place: "Bürgerhaus Plön", trainer: "A. Jensen", language: "de/ar", capacity: 12, modules: modules), by: coach)
                if let id = s.id { sessionIDs.append(id) }
            }
            // Amal (member 1) attended all past sessions and earns the certificate; Semhar (2) missed one.
            for (i, session) in sessionIDs.prefix(3).enumerated() {
                try db.recordAttendance(session: session, [(1, .present), (2, i == 1 ? .excused : .present)], by: coach)
            }
        }
        counts.listings = try DemoData.listings(db, today: today, by: coach)
        return counts
    }

    /// Flats a coach heard of; the importer adds the feeds' listings on top.
    static func listings(_ db: AppDatabase, today: CalendarDate, by actor: Actor) throws -> Int {
        let flats: [(String, String, String, Double, Double, Int64, Int64, Int64, Int?)] = [
            ("24306", "Plön", "Lange Straße", 2, 52.5, 36000, 7500, 8000, 2),
            ("24211", "Preetz", "Kirchenstraße", 3, 71.0, 43000, 12000, 9500, 0),
            ("24321", "Lütjenburg", "Markt", 4, 88.0, 49000, 13500, 12000, 1),
        ]
        var n = 0
        for (plz, place, street, rooms, area, rent, operating, heating, floor) in flats {
            _ = try db.createListing(Listing(
                source: "manual", externalID: "", title: "\(Int(rooms))-Zimmer-Wohnung in \(place)",
                address: Address(street: street, houseNumber: String(3 + n * 4), postalCode: PostalCode(plz), place: place),
                rooms: rooms, livingArea: area, floor: floor, netColdRent: Money(cents: rent), operatingCosts: Money(cents: operating),
                heatingCosts: Money(cents: heating), heatingType: .gas, deposit: Money(cents: rent * 3), availableFrom: today.adding(days: 30),
                landlordID: Landlord.ID(Int64(n % 4 + 1)), firstSeen: today.adding(days: -3), lastSeen: today), by: actor)
            n += 1
        }
        return n
    }
}
