import Foundation
import HousingDomain
import HousingStore
import Hummingbird
import Matching

/// The coach's pages: today's agenda, the household list and page, and the quick forms (visit,
/// stage). Everything goes through the store with the signed-in coach as actor, so a case that is
/// not theirs is the same 404 as one that does not exist.
extension WebApp {
    func addCoachRoutes(to router: Router<WebContext>) {
        router.get("/agenda") { request, context in try await agenda(request, context) }
        router.get("/households") { request, context in try await householdList(request, context) }
        router.get("/households/:id") { request, context in try await householdPage(request, context) }
        router.get("/households/:id/visit") { request, context in try await visitForm(request, context) }
        router.post("/households/:id/visits") { request, context in try await addVisit(request, context) }
        router.post("/households/:id/stage") { request, context in try await moveStage(request, context) }
    }

    func agenda(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let today = configuration.today()
        let database = self.database
        let (agenda, households, landlords) = try await store {
            let agenda = try database.agenda(for: nil, today: today, horizonDays: 14, by: actor)
            return (agenda, try database.households(HouseholdFilter(), by: actor), try database.landlords(by: actor))
        }
        let s = context.strings
        let f = Format(language: context.language)
        let householdIDs = Dictionary(households.map { ($0.referenceCode, $0.id.rawValue) }, uniquingKeysWith: { a, _ in a })
        let landlordIDs = Dictionary(landlords.compactMap { l in l.id.map { (l.name, $0.rawValue) } }, uniquingKeysWith: { a, _ in a })
        let followUps = agenda.followUps.map { item -> [String: Any] in
            var row: [String: Any] = [
                "kind": item.kind == "visit" ? s["followUpVisit"] : s["followUpLandlord"], "subject": item.subject, "due": f.date(item.due),
                "overdue": item.daysOverdue == 0 ? s["dueToday"] : item.daysOverdue == 1 ? s["daysOverdueOne"] : s.fill("daysOverdue", String(item.daysOverdue)),
            ]
            if item.kind == "visit", let id = householdIDs[item.subject] { row["href"] = "/households/\(id)" }
            if item.kind == "landlord", let id = landlordIDs[item.subject] { row["href"] = "/landlords/\(id)" }
            return row
        }
        let deadlines = agenda.deadlines.map { d -> [String: Any] in
            var row: [String: Any] = [
                "reference": d.householdReference, "stage": s.label("stage", d.stage.rawValue), "deadline": f.date(d.deadline),
                "left": daysLeft(d.daysLeft, s), "class": d.daysLeft < 0 ? "bad" : d.daysLeft <= 14 ? "warn" : "",
            ]
            if let id = householdIDs[d.householdReference] { row["href"] = "/households/\(id)" }
            return row
        }
        let sessions = agenda.sessions.map { session -> [String: Any] in
            [
                "course": session.course, "date": f.date(session.date), "time": session.startTime, "place": session.place,
                "modules": moduleNames(session.modules, context.language), "href": "/sessions/\(session.sessionID.rawValue)",
            ]
        }
        let certificates = agenda.certificates.map { c -> [String: Any] in
            var row: [String: Any] = ["reference": c.householdReference, "name": c.name, "course": c.course, "earnedOn": f.date(c.earnedOn)]
            if let id = householdIDs[c.householdReference] { row["href"] = "/households/\(id)" }
            return row
        }
        let data: [String: Any] = [
            "today": f.date(today), "followUps": followUps, "deadlines": deadlines, "sessions": sessions, "certificates": certificates,
            "caseCount": String(households.count),
        ]
        return render("agenda", title: s["agendaTitle"], data: data, request: request, context: context)
    }

    func householdList(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let stage = request.uri.queryParameters["stage"].flatMap { Stage(rawValue: String($0)) }
        let database = self.database
        let list = try await store { try database.households(HouseholdFilter(stage: stage), by: actor) }
        let s = context.strings
        let f = Format(language: context.language)
        let today = configuration.today()
        let rows = list.map { h -> [String: Any] in
            var row: [String: Any] = [
                "href": "/households/\(h.id.rawValue)", "reference": h.referenceCode, "stage": s.label("stage", h.stage.rawValue),
                "persons": String(h.size), "coach": h.coach ?? "–", "opened": f.date(h.openedOn), "deadline": f.date(h.deadline),
            ]
            if let deadline = h.deadline, h.stage < .movedIn {
                let left = today.days(until: deadline)
                row["left"] = daysLeft(left, s)
                row["class"] = left < 0 ? "bad" : left <= 14 ? "warn" : ""
            }
            return row
        }
        let stages = Stage.allCases.map { ["value": $0.rawValue, "label": s.label("stage", $0.rawValue), "selected": $0 == stage] }
        return render(
            "households", title: s["householdsTitle"], data: ["rows": rows, "hasRows": !rows.isEmpty, "stages": stages, "filtered": stage != nil],
            request: request, context: context)
    }

    func householdPage(_ request: Request, _ context: WebContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let actor = try actor(request, context)
        let id = try id(context)
        let key = String(id)
        let database = self.database
        let (detail, courses, suggestions, listings) = try await hidingForeign {
            let detail = try database.householdDetail(key, by: actor)
            let courses = try database.householdCourses(key, by: actor)
            let suggestions = try database.suggestions(householdKey: key, includeClosed: true, by: actor)
            let listings = try suggestions.map { try database.listing($0.listingID, by: actor) }
            return (detail, courses, suggestions, listings)
        }
        let s = context.strings
        let f = Format(language: context.language)
        let today = configuration.today()
        let h = detail.household
        let members = Dictionary(detail.members.compactMap { m in m.id.map { ($0, m) } }, uniquingKeysWith: { a, _ in a })
        var facts: [(String, String)] = [
            (s["stage"], s.label("stage", h.stage.rawValue)),
            (s["coach"], detail.coach ?? "–"),
            (s["benefit"], s.label("benefit", h.benefitType.rawValue)),
        ]
        if let number = h.jobcentreNumber { facts.append((s["bgNumber"], number)) }
        if !h.languages.isEmpty {
            facts.append((s["languages"], h.languages.joined(separator: ", ") + (h.interpreterNeeded ? " · " + s["interpreterNeeded"] : "")))
        }
        if let accommodation = h.currentAccommodation { facts.append((s["livesIn"], accommodation)) }
        switch h.residenceObligation {
        case .none: break
        case .state(let code): facts.append((s["residenceObligation"], s.fill("residenceState", code)))
        case .district(let code): facts.append((s["residenceObligation"], s.fill("residenceDistrict", code)))
        case .municipality(let key): facts.append((s["residenceObligation"], s.fill("residenceMunicipality", key.rawValue)))
        }
        let needs = needsText(h.needs, s)
        if !needs.isEmpty { facts.append((s["needs"], needs)) }
        if h.earliestMoveDate != nil || h.deadline != nil {
            facts.append((s["moveWindow"], "\(f.date(h.earliestMoveDate)) – \(f.date(h.deadline))"))
        }
        facts.append((s["opened"], f.date(h.openedOn)))

        let open = zip(suggestions, listings).filter { !$0.0.state.isClosed }
        // Places stored without coordinates are found in the gazetteer, as matching does.
        let located = detail.anchors.map { a -> Anchor in
            var copy = a
            if copy.coordinate == nil { copy.coordinate = configuration.locate(a.address) }
            return copy
        }
        let anchors = located.enumerated().map { i, a -> [String: Any] in
            var row: [String: Any] = [
                "mark": "A\(i + 1)", "kind": s.label("anchor", a.kind.rawValue), "label": a.label, "address": a.address.oneLine,
                "days": String(a.daysPerWeek), "member": a.memberID.flatMap { members[$0]?.givenName } ?? s["wholeHousehold"],
            ]
            row["distances"] = open.enumerated().map { j, pair -> [String: Any] in
                guard let from = a.coordinate, let to = pair.1.coordinate else { return ["mark": "W\(j + 1)", "km": "–"] }
                return ["mark": "W\(j + 1)", "km": f.decimal(from.distanceKilometres(to: to)) + " km"]
            }
            return row
        }
        let flats = open.enumerated().map { i, pair in ["mark": "W\(i + 1)", "label": "\(pair.1.address.place ?? "") (\(s["suggestion"]) \(pair.0.id))"] }
        let suggestionRows = zip(suggestions, listings).map { record, listing -> [String: Any] in
            var row: [String: Any] = [
                "id": String(record.id), "rank": String(record.rank), "flat": SuggestionView(context).flatLine(listing),
                "gross": f.money(record.grossColdRent), "verdict": s.label("verdict", record.costVerdict ?? "unknown"),
                "verdictClass": record.costVerdict == "appropriate" ? "ok" : record.costVerdict == "not-appropriate" ? "bad" : "warn",
                "state": s.label("state", record.state.rawValue), "since": f.date(record.stateDate), "assigned": record.assigned,
                "closed": record.state.isClosed,
            ]
            let steps = record.state.nextSteps.filter { $0.requiredRole == nil }
            row["steps"] = steps.map { ["value": $0.rawValue, "label": s.label("action", $0.rawValue)] }
            row["hasSteps"] = !steps.isEmpty
            return row
        }
        let coursesData = courses.map { c -> [String: Any] in
            var row: [String: Any] = [
                "member": members[c.memberID]?.fullName ?? String(c.memberID.rawValue), "course": c.course.title,
                "sessions": c.attendance.map { "\(f.date($0.session.date)): \(s.label("attendance", $0.status.rawValue))" },
                "attended": "\(c.certificate.attendedModules.count)/\(c.course.requiredModules.count)",
            ]
            if let earned = c.certificate.earnedOn {
                row["certificate"] = s.fill("certificateEarned", f.date(earned))
                row["earned"] = true
            } else {
                row["certificate"] = s.fill("certificateMissing", moduleNames(c.certificate.missingModules, context.language))
            }
            return row
        }
        var data: [String: Any] = [
            "id": String(id), "reference": h.referenceCode, "facts": facts.map { ["label": $0.0, "value": $0.1] },
            "members": detail.members.map { m -> [String: Any] in
                ["name": m.fullName, "born": f.date(m.birthDate), "age": String(m.birthDate.age(on: today)), "role": s.label("member", m.role.rawValue)]
            },
            "anchors": anchors, "hasAnchors": !anchors.isEmpty, "flats": flats, "hasFlats": !flats.isEmpty,
            "map": MapSketch(anchors: located, flats: open.map(\.1)).svgData(strings: s),
            "history": detail.stageHistory.reversed().map { c -> [String: Any] in
                var row: [String: Any] = ["date": f.date(c.date), "to": s.label("stage", c.to.rawValue), "actor": c.actor]
                if let from = c.from { row["from"] = s.label("stage", from.rawValue) }
                if let note = c.note { row["note"] = note }
                return row
            },
            "visits": detail.visits.map { v -> [String: Any] in
                var row: [String: Any] = [
                    "date": f.date(v.date), "kind": s.label("visit", v.kind.rawValue), "minutes": String(v.durationMinutes),
                ]
                if !v.topics.isEmpty { row["topics"] = v.topics.joined(separator: ", ") }
                if let note = v.note { row["note"] = note }
                if let followUp = v.followUp { row["followUp"] = f.date(followUp) }
                return row
            },
            "courses": coursesData, "hasCourses": !coursesData.isEmpty,
            "suggestions": suggestionRows, "hasSuggestions": !suggestionRows.isEmpty,
            "stages": h.stage.allowedNext.map { ["value": $0.rawValue, "label": s.label("stage", $0.rawValue)] },
            "today": today.iso,
        ]
        if let error { data["error"] = error }
        return render("household", title: h.referenceCode, data: data, request: request, context: context, status: status)
    }

    func visitForm(_ request: Request, _ context: WebContext, form: Form? = nil, error: String? = nil, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let actor = try actor(request, context)
        let id = try id(context)
        let database = self.database
        let household = try await hidingForeign { try database.householdDetail(String(id), by: actor).household }
        let s = context.strings
        let chosenKind = form?["kind"] ?? Visit.Kind.homeVisit.rawValue
        var data: [String: Any] = [
            "id": String(id), "reference": household.referenceCode,
            "kinds": Visit.Kind.allCases.map { ["value": $0.rawValue, "label": s.label("visit", $0.rawValue), "checked": $0.rawValue == chosenKind] },
            "date": form?["date"] ?? configuration.today().iso, "minutes": form?["minutes"] ?? "45", "topics": form?["topics"] ?? "",
            "note": form?["note"] ?? "", "followUp": form?["followUp"] ?? "",
        ]
        if let error { data["error"] = error }
        return render("visit", title: s.fill("visitTitle", household.referenceCode), data: data, request: request, context: context, status: status)
    }

    func addVisit(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let form = try await form(request, context)
        let id = try id(context)
        let s = context.strings
        func refuse(_ message: String) async throws -> Response {
            try await visitForm(request, context, form: form, error: message, status: .unprocessableContent)
        }
        guard let kind = form["kind"].flatMap(Visit.Kind.init(rawValue:)) else { return try await refuse(s["errorVisitKind"]) }
        guard let date = CalendarDate(flexible: form["date"] ?? "") else { return try await refuse(s.fill("errorDate", s["date"])) }
        guard let minutes = form["minutes"].flatMap(Int.init), (1...720).contains(minutes) else { return try await refuse(s["errorMinutes"]) }
        var followUp: CalendarDate?
        if let text = form["followUp"] {
            guard let parsed = CalendarDate(flexible: text) else { return try await refuse(s.fill("errorDate", s["followUpDate"])) }
            guard parsed >= date else { return try await refuse(s["errorFollowUpBefore"]) }
            followUp = parsed
        }
        let topics = (form["topics"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let visit = Visit(householdID: 0, coachID: actor.userID, date: date, kind: kind, durationMinutes: minutes, topics: topics, note: form["note"], followUp: followUp)
        let database = self.database
        do {
            _ = try await store { try database.addVisit(visit, toHousehold: String(id), by: actor) }
        } catch StoreError.notFound, StoreError.forbidden {
            throw WebError.notFound
        } catch let error as StoreError {
            return try await refuse(s.fill("notSaved", error.description))
        }
        return redirect(to: "/households/\(id)?ok=visit")
    }

    func moveStage(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let form = try await form(request, context)
        let id = try id(context)
        let s = context.strings
        guard let stage = form["stage"].flatMap(Stage.init(rawValue:)) else {
            return try await householdPage(request, context, error: s["errorStage"], status: .unprocessableContent)
        }
        guard let date = CalendarDate(flexible: form["date"] ?? "") else {
            return try await householdPage(request, context, error: s.fill("errorDate", s["date"]), status: .unprocessableContent)
        }
        let note = form["note"]
        let database = self.database
        do {
            _ = try await store { try database.moveStage(String(id), to: stage, on: date, note: note, by: actor) }
        } catch StoreError.notFound, StoreError.forbidden {
            throw WebError.notFound
        } catch let error as StoreError {
            return try await householdPage(request, context, error: s.fill("notSaved", error.description), status: .unprocessableContent)
        }
        return redirect(to: "/households/\(id)?ok=stage")
    }

    // MARK: Shared wording

    func daysLeft(_ days: Int, _ s: Strings) -> String {
        switch days {
        case ..<(-1): return s.fill("daysPassed", String(-days))
        case -1: return s["daysPassedOne"]
        case 0: return s["dueToday"]
        case 1: return s["daysLeftOne"]
        default: return s.fill("daysLeft", String(days))
        }
    }

    func moduleNames(_ modules: [CourseModule], _ language: Language) -> String {
        modules.map { language == .de ? $0.germanTitle : Strings.english.label("module", $0.rawValue) }.joined(separator: ", ")
    }

    func needsText(_ needs: Needs, _ s: Strings) -> String {
        var parts: [String] = []
        if needs.stepFree { parts.append(s["needStepFree"]) }
        if needs.groundFloorOrLift { parts.append(s["needGroundFloor"]) }
        if let floor = needs.maxFloor { parts.append(s.fill("needMaxFloor", String(floor))) }
        if needs.pets { parts.append(s["needPets"]) }
        if needs.wbsHeld { parts.append(s["needWbs"] + (needs.wbsRooms.map { " (\($0))" } ?? "")) }
        return parts.joined(separator: ", ")
    }
}
