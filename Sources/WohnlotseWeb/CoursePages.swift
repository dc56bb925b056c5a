import Foundation
import HousingDomain
import HousingStore
import Hummingbird

/// Renting courses (attendance for a whole session in one form) and landlords (contact log).
extension WebApp {
    func addCourseAndLandlordRoutes(to router: Router<WebContext>) {
        router.get("/courses") { request, context in try await courseList(request, context) }
        router.get("/sessions/:id") { request, context in try await attendanceForm(request, context) }
        router.post("/sessions/:id/attendance") { request, context in try await recordAttendance(request, context) }
        router.get("/landlords") { request, context in try await landlordList(request, context) }
        router.get("/landlords/:id") { request, context in try await landlordPage(request, context) }
        router.post("/landlords/:id/contacts") { request, context in try await addLandlordContact(request, context) }
    }

    func courseList(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let database = self.database
        let courses = try await store { try database.coursesWithSessions(by: actor) }
        let s = context.strings
        let f = Format(language: context.language)
        let today = configuration.today()
        let data = courses.map { c -> [String: Any] in
            [
                "title": c.course.title, "required": moduleNames(c.course.requiredModules, context.language),
                "sessions": c.sessions.map { session -> [String: Any] in
                    [
                        "href": "/sessions/\(session.id?.rawValue ?? 0)", "date": f.date(session.date), "time": session.startTime,
                        "place": session.place, "trainer": session.trainer, "language": session.language, "capacity": String(session.capacity),
                        "modules": moduleNames(session.modules, context.language), "past": session.date < today,
                    ]
                },
                "hasSessions": !c.sessions.isEmpty,
            ]
        }
        return render("courses", title: s["coursesTitle"], data: ["courses": data, "hasCourses": !data.isEmpty], request: request, context: context)
    }

    func attendanceForm(_ request: Request, _ context: WebContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let actor = try actor(request, context)
        let id = CourseSession.ID(try id(context))
        let database = self.database
        let roster = try await hidingForeign { try database.sessionRoster(id, by: actor) }
        let s = context.strings
        let f = Format(language: context.language)
        let groups = Dictionary(grouping: roster.entries, by: \.householdReference).sorted { $0.key < $1.key }.map { reference, entries -> [String: Any] in
            [
                "reference": reference,
                "members": entries.map { e -> [String: Any] in
                    [
                        "id": String(e.memberID.rawValue), "name": e.name,
                        "options": ([nil] + Attendance.Status.allCases.map(Optional.some)).map { status -> [String: Any] in
                            [
                                "value": status?.rawValue ?? "", "label": status.map { s.label("attendance", $0.rawValue) } ?? s["notRecorded"],
                                "checked": status == e.status, "key": status?.rawValue ?? "none",
                            ]
                        },
                    ]
                },
            ]
        }
        var data: [String: Any] = [
            "id": String(id.rawValue), "course": roster.course.title, "date": f.date(roster.session.date), "time": roster.session.startTime,
            "place": roster.session.place, "modules": moduleNames(roster.session.modules, context.language),
            "capacity": s.fill("capacityTaken", String(roster.presentCount), String(roster.session.capacity)),
            "groups": groups, "hasGroups": !groups.isEmpty,
        ]
        if let error { data["error"] = error }
        return render("attendance", title: s.fill("attendanceTitle", f.date(roster.session.date)), data: data, request: request, context: context, status: status)
    }

    func recordAttendance(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let form = try await form(request, context)
        let id = CourseSession.ID(try id(context))
        let s = context.strings
        var entries: [(Member.ID, Attendance.Status)] = []
        for (name, value) in form.fields where name.hasPrefix("member-") && !value.isEmpty {
            guard let memberID = Int64(name.dropFirst("member-".count)), let status = Attendance.Status(rawValue: value) else {
                return try await attendanceForm(request, context, error: s["errorAttendance"], status: .unprocessableContent)
            }
            entries.append((Member.ID(memberID), status))
        }
        guard !entries.isEmpty else {
            return try await attendanceForm(request, context, error: s["errorNothingTicked"], status: .unprocessableContent)
        }
        entries.sort { $0.0 < $1.0 }
        let database = self.database
        let recorded = entries
        do {
            try await store { try database.recordAttendance(session: id, recorded, by: actor) }
        } catch StoreError.notFound, StoreError.forbidden {
            throw WebError.notFound
        } catch let error as StoreError {
            return try await attendanceForm(request, context, error: s.fill("notSaved", error.description), status: .unprocessableContent)
        }
        return redirect(to: "/sessions/\(id.rawValue)?ok=attendance")
    }

    func landlordList(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let database = self.database
        let landlords = try await store { try database.landlords(by: actor) }
        let s = context.strings
        let rows = landlords.map { l -> [String: Any] in
            [
                "href": "/landlords/\(l.id?.rawValue ?? 0)", "name": l.name, "kind": s.label("landlord", l.kind.rawValue),
                "openness": s.label("openness", l.openness.rawValue), "class": l.openness == .open ? "ok" : l.openness == .declined ? "bad" : "",
            ]
        }
        return render("landlords", title: s["landlordsTitle"], data: ["rows": rows, "hasRows": !rows.isEmpty], request: request, context: context)
    }

    func landlordPage(_ request: Request, _ context: WebContext, form: Form? = nil, error: String? = nil, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let actor = try actor(request, context)
        // The whole page is closed to the job centre (403, like the list), not one landlord hidden (404).
        guard AccessPolicy.allows(actor, .housingMarket) else { throw WebError.forbidden }
        let id = Landlord.ID(try id(context))
        let database = self.database
        let (detail, names) = try await hidingForeign { (try database.landlordDetail(id, by: actor), try database.userNames()) }
        let s = context.strings
        let f = Format(language: context.language)
        let l = detail.landlord
        var facts: [(String, String)] = [(s["kind"], s.label("landlord", l.kind.rawValue)), (s["openness"], s.label("openness", l.openness.rawValue))]
        if let person = l.contactPerson { facts.append((s["contactPerson"], person)) }
        if let phone = l.phone { facts.append((s["phone"], phone)) }
        if let email = l.email { facts.append((s["email"], email)) }
        if let address = l.address, !address.oneLine.isEmpty { facts.append((s["address"], address.oneLine)) }
        facts.append((s["activeListings"], String(detail.activeListings)))
        let chosen = form?["channel"] ?? LandlordContact.Channel.phone.rawValue
        var data: [String: Any] = [
            "id": String(id.rawValue), "name": l.name, "facts": facts.map { ["label": $0.0, "value": $0.1] },
            "contacts": detail.contacts.map { c -> [String: Any] in
                var row: [String: Any] = [
                    "date": f.date(c.date), "channel": s.label("channel", c.channel.rawValue), "outcome": c.outcome, "by": names[c.coachID] ?? "–",
                ]
                if let followUp = c.followUp { row["followUp"] = f.date(followUp) }
                return row
            },
            "channels": LandlordContact.Channel.allCases.map { ["value": $0.rawValue, "label": s.label("channel", $0.rawValue), "checked": $0.rawValue == chosen] },
            "date": form?["date"] ?? configuration.today().iso, "outcome": form?["outcome"] ?? "", "followUp": form?["followUp"] ?? "",
            "canLog": actor.role != .jobcentre,
        ]
        if let error { data["error"] = error }
        return render("landlord", title: l.name, data: data, request: request, context: context, status: status)
    }

    func addLandlordContact(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let form = try await form(request, context)
        let id = Landlord.ID(try id(context))
        let s = context.strings
        func refuse(_ message: String) async throws -> Response {
            try await landlordPage(request, context, form: form, error: message, status: .unprocessableContent)
        }
        guard let channel = form["channel"].flatMap(LandlordContact.Channel.init(rawValue:)) else { return try await refuse(s["errorChannel"]) }
        guard let date = CalendarDate(flexible: form["date"] ?? "") else { return try await refuse(s.fill("errorDate", s["date"])) }
        guard let outcome = form["outcome"] else { return try await refuse(s["errorOutcome"]) }
        var followUp: CalendarDate?
        if let text = form["followUp"] {
            guard let parsed = CalendarDate(flexible: text) else { return try await refuse(s.fill("errorDate", s["followUpDate"])) }
            guard parsed >= date else { return try await refuse(s["errorFollowUpBefore"]) }
            followUp = parsed
        }
        let contact = LandlordContact(landlordID: id, date: date, coachID: actor.userID, channel: channel, outcome: outcome, followUp: followUp)
        let database = self.database
        do {
            _ = try await store { try database.addLandlordContact(contact, by: actor) }
        } catch StoreError.notFound {
            throw WebError.notFound
        } catch let error as StoreError {
            if case .forbidden = error { throw error }
            return try await refuse(s.fill("notSaved", error.description))
        }
        return redirect(to: "/landlords/\(id.rawValue)?ok=contact")
    }
}
