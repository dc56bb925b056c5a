import ArgumentParser
import Foundation
import HousingDomain
import HousingStore

struct CourseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course", abstract: "Renting courses (Wohnschule / Mietführerschein): sessions, attendance, certificates.",
        discussion: "Modules: \(CourseModule.allCases.map { "\($0.rawValue) (\($0.germanTitle))" }.joined(separator: ", ")).",
        subcommands: [Add.self, List.self, Show.self, Session.self, Attend.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set up a course.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Title, e.g. 'Wohnschule Plön Frühjahr 2026'.") var title: String
        @Option(help: "Modules required for the certificate: 'all' or a comma-separated list.", transform: Parse.modules)
        var modules: [CourseModule] = CourseModule.allCases

        func run() throws {
            let (db, actor) = try global.session("course add")
            let course = try db.createCourse(Course(title: title, requiredModules: modules), by: actor)
            try global.emit(course) { print("Added course \(course.id?.description ?? "?"): \(course.title) (\(course.requiredModules.count) required modules).") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List courses.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let (db, actor) = try global.session("course list")
            let courses = try db.courses(by: actor)
            try global.emit(courses) {
                print(Output.table(["id", "title", "required modules"], courses.map {
                    [$0.id?.description ?? "?", $0.title, $0.requiredModules.map(\.rawValue).joined(separator: ", ")]
                }))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a course: sessions, participants, certificates.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Course id.") var id: Int64

        func run() throws {
            let (db, actor) = try global.session("course show")
            let detail = try db.courseDetail(Course.ID(id), by: actor)
            try global.emit(detail) {
                print("Course \(id): \(detail.course.title)")
                print("\nSessions (\(detail.sessions.count))")
                print(Output.table(["id", "date", "time", "place", "trainer", "language", "places", "modules"], detail.sessions.map {
                    [$0.id?.description ?? "?", $0.date.iso, $0.startTime, $0.place, $0.trainer, $0.language, String($0.capacity), $0.modules.map(\.rawValue).joined(separator: ", ")]
                }))
                print("\nParticipants (\(detail.participants.count))")
                print(Output.table(["member", "household", "name", "present", "certificate"], detail.participants.map { p in
                    [p.memberID.description, p.householdReference, p.name ?? "(not your case)",
                     String(p.attendance.filter { $0.status == .present }.count),
                     p.certificate.earnedOn.map { "earned \($0.iso)" } ?? "missing: \(p.certificate.missingModules.map(\.rawValue).joined(separator: ", "))"]
                }))
            }
        }
    }

    struct Session: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a session of a course.",
            discussion: "Example: wohnlotse course session --course 1 --date 2026-03-05 --time 10:00 --place 'Bürgerhaus Preetz' --trainer 'A. Jensen' --language ar --capacity 12 --modules heating-airing,waste-separation")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Course id.") var course: Int64
        @Option(help: "Day (YYYY-MM-DD).", transform: Parse.date) var date: CalendarDate
        @Option(help: "Start time, HH:MM.") var time: String
        @Option(help: "Where.") var place: String
        @Option(help: "Who teaches.") var trainer: String
        @Option(help: "Language of the session, e.g. de, ar, fa.") var language: String
        @Option(help: "Places.") var capacity: Int
        @Option(help: "Modules covered, comma-separated.", transform: Parse.modules) var modules: [CourseModule]

        func run() throws {
            let (db, actor) = try global.session("course session")
            let session = try db.addSession(
                CourseSession(courseID: Course.ID(course), date: date, startTime: time, place: place, trainer: trainer, language: language, capacity: capacity, modules: modules),
                by: actor)
            try global.emit(session) { print("Added session \(session.id?.description ?? "?") on \(session.date.iso) \(session.startTime).") }
        }
    }

    struct Attend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record attendance for a whole session at once.",
            discussion: "Example: wohnlotse course attend --session 3 --present 4,5,9 --absent 7 --excused 8")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Session id.") var session: Int64
        @Option(help: "Member ids present, comma-separated.", transform: Parse.ids) var present: [Int64] = []
        @Option(help: "Member ids absent.", transform: Parse.ids) var absent: [Int64] = []
        @Option(help: "Member ids excused.", transform: Parse.ids) var excused: [Int64] = []

        func validate() throws {
            let all = present + absent + excused
            if all.isEmpty { throw ValidationError("name at least one member with --present, --absent or --excused") }
            if Set(all).count != all.count { throw ValidationError("a member is listed twice; give each member one status") }
        }

        func run() throws {
            let (db, actor) = try global.session("course attend")
            let entries = present.map { (Member.ID($0), Attendance.Status.present) }
                + absent.map { (Member.ID($0), Attendance.Status.absent) }
                + excused.map { (Member.ID($0), Attendance.Status.excused) }
            try db.recordAttendance(session: CourseSession.ID(session), entries, by: actor)
            print("Recorded attendance for \(entries.count) member(s) at session \(session).")
        }
    }
}

struct AgendaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenda",
        abstract: "A coach's day: overdue follow-ups, deadlines, upcoming sessions, certificates just earned.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Whose agenda (admins only; default: yours).") var coach: String?
    @Option(help: "How many days ahead (and back, for certificates).") var days = 14

    func validate() throws {
        guard (1...365).contains(days) else { throw ValidationError("--days must be 1 to 365") }
    }

    func run() throws {
        let (db, actor) = try global.session("agenda")
        let agenda = try db.agenda(for: coach, today: global.today, horizonDays: days, by: actor)
        try global.emit(agenda) {
            print("Agenda of \(agenda.coach) for \(agenda.today.iso) (next \(days) days)")
            print("\nFollow-ups due (\(agenda.followUps.count))")
            print(Output.table(["due", "overdue", "about", "what"], agenda.followUps.map {
                [$0.due.iso, $0.daysOverdue == 0 ? "today" : "\($0.daysOverdue) d", $0.subject, $0.what]
            }))
            print("\nDeadlines (\(agenda.deadlines.count))")
            print(Output.table(["deadline", "left", "case", "stage"], agenda.deadlines.map {
                [$0.deadline.iso, $0.daysLeft < 0 ? "PASSED \(-$0.daysLeft) d ago" : "\($0.daysLeft) d", $0.householdReference, $0.stage.rawValue]
            }))
            print("\nCourse sessions (\(agenda.sessions.count))")
            print(Output.table(["date", "time", "course", "place", "modules"], agenda.sessions.map {
                [$0.date.iso, $0.startTime, $0.course, $0.place, $0.modules.map(\.rawValue).joined(separator: ", ")]
            }))
            print("\nCertificates earned (\(agenda.certificates.count))")
            print(Output.table(["earned", "case", "member", "course"], agenda.certificates.map {
                [$0.earnedOn.iso, $0.householdReference, $0.name, $0.course]
            }))
        }
    }
}
