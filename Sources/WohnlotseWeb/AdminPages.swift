import Foundation
import HousingDomain
import HousingStore
import Hummingbird

/// The admin's pages: import health, users, and who works on which case.
extension WebApp {
    func addAdminRoutes(to router: Router<WebContext>) {
        router.get("/admin") { request, context in try await adminOverview(request, context) }
        router.get("/admin/users") { request, context in try await userList(request, context) }
        router.post("/admin/users") { request, context in try await addUser(request, context) }
        router.post("/admin/users/active") { request, context in try await setUserActive(request, context) }
        router.get("/admin/cases") { request, context in try await caseAssignments(request, context) }
        router.post("/admin/cases/:id/coach") { request, context in try await assignCoach(request, context) }
        router.post("/admin/cases/:id/share") { request, context in try await shareCase(request, context, share: true) }
        router.post("/admin/cases/:id/unshare") { request, context in try await shareCase(request, context, share: false) }
    }

    func adminOverview(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let database = self.database
        let sources = configuration.importSources
        let days = configuration.importHealthDays
        let now = configuration.now()
        let overview = try await store { try database.importOverview(sources: sources, days: days, now: now, by: actor) }
        let s = context.strings
        let rows = overview.map { o -> [String: Any] in
            var row: [String: Any] = ["source": o.source, "failures": String(o.health.failuresSinceSuccess)]
            if let run = o.lastRun {
                row["lastRun"] = Self.shortInstant(run.finishedAt)
                row["outcome"] = s.label("outcome", run.outcome.rawValue)
                row["outcomeClass"] = run.outcome == .failed ? "bad" : "ok"
                row["counts"] = s.fill(
                    "importCounts", String(run.counts.new), String(run.counts.changed), String(run.counts.unchanged), String(run.counts.gone),
                    String(run.skipped))
                if let error = run.error { row["error"] = error }
            } else {
                row["lastRun"] = s["never"]
                row["outcome"] = "–"
                row["counts"] = "–"
            }
            row["lastSuccess"] = o.health.lastSuccess.map(Self.shortInstant) ?? s["never"]
            if o.health.problem != nil {
                row["problem"] = o.lastRun == nil ? s.fill("importNoRun", String(days)) : s.fill("importProblem", String(days))
            }
            return row
        }
        return render(
            "admin", title: s["adminTitle"],
            data: ["sources": rows, "hasSources": !rows.isEmpty, "days": String(days), "allWell": rows.allSatisfy { $0["problem"] == nil }],
            request: request, context: context)
    }

    /// `2026-03-01T05:31:02Z` as `2026-03-01 05:31 UTC`.
    static func shortInstant(_ iso: String) -> String {
        iso.count >= 16 ? String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC" : iso
    }

    func userList(_ request: Request, _ context: WebContext, form: Form? = nil, error: String? = nil, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let actor = try actor(request, context)
        let database = self.database
        let now = configuration.now()
        let (users, states) = try await store { (try database.users(by: actor), try database.webAccountStates(now: now, by: actor)) }
        let s = context.strings
        let chosenRole = form?["role"] ?? User.Role.coach.rawValue
        let rows = users.map { u -> [String: Any] in
            let state = u.id.flatMap { states[$0] }
            return [
                "name": u.name, "displayName": u.displayName ?? "–", "role": s.label("role", u.role.rawValue), "active": u.active,
                "status": u.active ? s["active"] : s["inactive"], "password": state?.hasPassword == true ? s["yes"] : s["no"],
                "sessions": String(state?.openSessions ?? 0), "isSelf": u.id == actor.userID,
            ]
        }
        var data: [String: Any] = [
            "users": rows, "newName": form?["name"] ?? "", "newDisplayName": form?["displayName"] ?? "",
            "roles": User.Role.allCases.map { ["value": $0.rawValue, "label": s.label("role", $0.rawValue), "selected": $0.rawValue == chosenRole] },
        ]
        if let error { data["error"] = error }
        return render("users", title: s["usersTitle"], data: data, request: request, context: context, status: status)
    }

    func addUser(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let form = try await form(request, context)
        let s = context.strings
        guard let name = form["name"] else {
            return try await userList(request, context, form: form, error: s["errorUserName"], status: .unprocessableContent)
        }
        guard let role = form["role"].flatMap(User.Role.init(rawValue:)) else {
            return try await userList(request, context, form: form, error: s["errorRole"], status: .unprocessableContent)
        }
        let user = User(name: name, displayName: form["displayName"], role: role)
        let database = self.database
        do {
            _ = try await store { try database.createUser(user, by: actor) }
        } catch let error as StoreError {
            if case .forbidden = error { throw error }
            return try await userList(request, context, form: form, error: s.fill("notSaved", error.description), status: .unprocessableContent)
        }
        return redirect(to: "/admin/users?ok=user")
    }

    func setUserActive(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let form = try await form(request, context)
        let s = context.strings
        guard let name = form["name"], let active = form["active"].map({ $0 == "1" }) else {
            return try await userList(request, context, error: s["errorUserName"], status: .unprocessableContent)
        }
        let database = self.database
        do {
            _ = try await store { try database.updateUser(named: name, by: actor) { $0.active = active } }
        } catch let error as StoreError {
            if case .forbidden = error { throw error }
            return try await userList(request, context, error: s.fill("notSaved", error.description), status: .unprocessableContent)
        }
        return redirect(to: "/admin/users?ok=user")
    }

    func caseAssignments(_ request: Request, _ context: WebContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let actor = try actor(request, context)
        let database = self.database
        let (cases, users) = try await store { (try database.caseAssignments(by: actor), try database.users(by: actor)) }
        let s = context.strings
        let coaches = users.filter { $0.role == .coach && $0.active }.map(\.name)
        let rows = cases.map { c -> [String: Any] in
            let shareable = coaches.filter { $0 != c.coach && !c.sharedWith.contains($0) }
            return [
                "id": String(c.householdID.rawValue), "reference": c.referenceCode, "stage": s.label("stage", c.stage.rawValue),
                "coach": c.coach ?? "–",
                "coachOptions": coaches.map { ["value": $0, "selected": $0 == c.coach] },
                "shared": c.sharedWith.map { ["name": $0, "id": String(c.householdID.rawValue)] },
                "shareOptions": shareable.map { ["value": $0] }, "canShare": !shareable.isEmpty,
            ]
        }
        var data: [String: Any] = ["cases": rows, "hasCases": !rows.isEmpty]
        if let error { data["error"] = error }
        return render("cases", title: s["casesTitle"], data: data, request: request, context: context, status: status)
    }

    func assignCoach(_ request: Request, _ context: WebContext) async throws -> Response {
        try await changeCase(request, context) { database, actor, key, coach, _ in
            _ = try database.updateHousehold(key, coachName: coach, by: actor) { _ in }
        }
    }

    func shareCase(_ request: Request, _ context: WebContext, share: Bool) async throws -> Response {
        try await changeCase(request, context) { database, actor, key, coach, today in
            _ = share
                ? try database.shareHousehold(key, withCoach: coach, today: today, by: actor)
                : try database.unshareHousehold(key, fromCoach: coach, by: actor)
        }
    }

    /// Reads the case in the path and the coach in the form, runs `change`, and comes back to the
    /// assignment page: with a message when the store refuses, a 404 for an unknown case.
    func changeCase(
        _ request: Request, _ context: WebContext,
        _ change: @escaping @Sendable (AppDatabase, Actor, String, String, CalendarDate) throws -> Void
    ) async throws -> Response {
        let actor = try actor(request, context)
        let form = try await form(request, context)
        let id = try id(context)
        let s = context.strings
        guard let coach = form["coach"] else {
            return try await caseAssignments(request, context, error: s["errorCoach"], status: .unprocessableContent)
        }
        let today = configuration.today()
        let database = self.database
        do {
            try await store { try change(database, actor, String(id), coach, today) }
        } catch StoreError.notFound(let entity, _, _) where entity == "household" {
            throw WebError.notFound
        } catch let error as StoreError {
            if case .forbidden = error { throw error }
            return try await caseAssignments(request, context, error: s.fill("notSaved", error.description), status: .unprocessableContent)
        }
        return redirect(to: "/admin/cases?ok=assignment")
    }
}
