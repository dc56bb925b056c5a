import Foundation
import HousingDomain
import HousingStore
import Hummingbird
import Matching

/// The job centre's review queue, a suggestion with its explanation, the decision forms and the
/// printable approval sheet. A suggestion's page serves every role: the job centre sees the
/// redacted explanation and decides; a coach sees it in full and moves it on.
extension WebApp {
    func addSuggestionRoutes(to router: Router<WebContext>) {
        router.get("/review") { request, context in try await reviewQueue(request, context) }
        router.get("/suggestions/:id") { request, context in try await suggestionPage(request, context) }
        router.post("/suggestions/:id/approve") { request, context in try await decide(request, context, approve: true) }
        router.post("/suggestions/:id/reject") { request, context in try await decide(request, context, approve: false) }
        router.get("/suggestions/:id/sheet") { request, context in try await approvalSheet(request, context) }
        router.post("/suggestions/:id/move") { request, context in try await moveSuggestion(request, context) }
    }

    func reviewQueue(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let all = request.uri.queryParameters["all"] != nil
        let today = configuration.today()
        let database = self.database
        let queue = try await store { try database.reviewQueue(today: today, includeDecided: all, by: actor) }
        let v = SuggestionView(context)
        let s = context.strings
        let items = queue.map { item -> [String: Any] in
            let e = v.explanation(item.suggestion)
            var row = v.cost(item.suggestion, e)
            row["id"] = String(item.suggestion.id)
            row["reference"] = item.suggestion.householdReference
            row["persons"] = String(item.householdSize)
            row["ages"] = item.ages.map(String.init).joined(separator: ", ")
            row["benefit"] = s.label("benefit", item.benefitType.rawValue)
            row["hasGranted"] = !item.otherZusicherungen.isEmpty
            row["flat"] = v.flatLine(item.listing)
            row["since"] = v.f.date(item.waitingSince)
            row["state"] = s.label("state", item.suggestion.state.rawValue)
            return row
        }
        return render("review", title: s["reviewTitle"], data: ["items": items, "hasItems": !items.isEmpty, "showAll": all], request: request, context: context)
    }

    /// The suggestion in the path with what its cost decision needs; a 404 unless the user may see it.
    func costDecision(_ request: Request, _ context: WebContext) async throws -> (Actor, CostDecisionView) {
        let actor = try actor(request, context)
        let id = try id(context)
        let today = configuration.today()
        let database = self.database
        return (actor, try await hidingForeign { try database.costDecision(id, today: today, by: actor) })
    }

    /// The household facts a cost decision may show (no names), for the page and the sheet.
    func householdFacts(_ view: CostDecisionView, _ s: Strings) -> [String: Any] {
        let f = Format(language: s.language)
        return [
            "reference": view.suggestion.householdReference, "persons": String(view.householdSize),
            "ages": view.ages.map(String.init).joined(separator: ", "), "benefit": s.label("benefit", view.benefitType.rawValue),
            "granted": view.otherZusicherungen.map {
                s.fill("grantedLine", String($0.suggestionID), f.date($0.grantedOn), s.label("state", $0.state.rawValue))
            },
        ]
    }

    func suggestionPage(_ request: Request, _ context: WebContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (actor, view) = try await costDecision(request, context)
        let today = configuration.today()
        let record = view.suggestion
        let s = context.strings
        let v = SuggestionView(context)
        let jobcentre = actor.role == .jobcentre
        let e = v.explanation(record, redacted: jobcentre)
        var data = householdFacts(view, s)
        data.merge([
            "id": String(record.id),
            "heading": s.fill("suggestionHeading", String(record.id), record.householdReference),
            "state": s.label("state", record.state.rawValue),
            "stateDate": v.f.date(record.stateDate),
            "assigned": record.assigned,
            "cost": v.cost(record, e),
            "flat": v.flat(view.listing),
            "history": v.history(jobcentre ? record.events.redactedForJobcentre() : record.events),
            "today": today.iso,
            "hasSheet": record.events.contains { $0.to == .approved },
        ]) { $1 }
        if let e { data["explanation"] = v.explanation(e, run: record.runID, stored: record) }
        if let error { data["error"] = error }
        if jobcentre {
            data["backHref"] = "/review"
            data["backLabel"] = s["backToReview"]
            if record.state == .submitted {
                data["decide"] = [
                    "reasons": RejectionReason.allCases.map { ["value": $0.rawValue, "label": s.label("reason", $0.rawValue)] }
                ]
            }
        } else {
            data["backHref"] = "/households/\(record.householdID.rawValue)"
            data["backLabel"] = s.fill("backToHousehold", record.householdReference)
            data["householdHref"] = "/households/\(record.householdID.rawValue)"
            let steps = record.state.nextSteps.filter { $0.requiredRole == nil }
            if !steps.isEmpty {
                data["move"] = ["steps": steps.map { ["value": $0.rawValue, "label": s.label("action", $0.rawValue)] }]
            }
        }
        return render("suggestion", title: s.fill("suggestionTitle", String(record.id)), data: data, request: request, context: context, status: status)
    }

    /// Why a step was not saved, in the page language: the workflow's and the dates' refusals name
    /// the suggestion's state and what may come next; anything else keeps the store's message.
    func notSaved(_ error: StoreError, suggestion id: Int64, date: CalendarDate, actor: Actor, _ s: Strings) async -> String {
        guard case .invalid(.invalidField(let field, _, _)) = error else { return s.fill("notSaved", error.description) }
        let database = self.database
        let f = Format(language: s.language)
        let record = try? await store { try database.suggestion(id, by: actor) }
        switch (field, record) {
        case ("text", _):
            return s["errorReasonText"]
        case ("state", let record?):
            let next = record.state.nextSteps.map { s.label("state", $0.rawValue) }
            let now = s.label("state", record.state.rawValue)
            return next.isEmpty ? s.fill("errorStepClosed", now) : s.fill("errorStepNow", now, next.joined(separator: ", "))
        case ("date", let record?):
            let today = configuration.today()
            return date > today ? s.fill("errorFutureDate", f.date(date), f.date(today)) : s.fill("errorEarlyDate", f.date(date), f.date(record.stateDate))
        default:
            return s.fill("notSaved", error.description)
        }
    }

    /// Zusicherung (approve, with its date) or refusal (reason code and text), by a job-centre user.
    func decide(_ request: Request, _ context: WebContext, approve: Bool) async throws -> Response {
        let actor = try actor(request, context)
        let form = try await form(request, context)
        let id = try id(context)
        let s = context.strings
        guard let date = CalendarDate(flexible: form["date"] ?? configuration.today().iso) else {
            return try await suggestionPage(request, context, error: s.fill("errorDate", s["decisionDate"]), status: .unprocessableContent)
        }
        var reason: RejectionReason?
        if !approve {
            guard let r = form["reason"].flatMap(RejectionReason.init(rawValue:)) else {
                return try await suggestionPage(request, context, error: s["errorReason"], status: .unprocessableContent)
            }
            guard form["text"] != nil else {
                return try await suggestionPage(request, context, error: s["errorReasonText"], status: .unprocessableContent)
            }
            reason = r
        }
        let note = approve ? form["note"] : form["text"]
        let database = self.database
        let reasonCode = reason
        do {
            let today = configuration.today()
            _ = try await store {
                try database.moveSuggestion(id, to: approve ? .approved : .rejected, on: date, reason: reasonCode, note: note, today: today, by: actor)
            }
        } catch StoreError.notFound {
            throw WebError.notFound
        } catch let error as StoreError {
            if case .forbidden = error { throw error }
            return try await suggestionPage(
                request, context, error: await notSaved(error, suggestion: id, date: date, actor: actor, s), status: .unprocessableContent)
        }
        return redirect(to: "/suggestions/\(id)?ok=\(approve ? "approved" : "rejected")")
    }

    /// The printable Zusicherung: only for an approved suggestion, with only what the decision needs.
    func approvalSheet(_ request: Request, _ context: WebContext) async throws -> Response {
        let (_, view) = try await costDecision(request, context)
        let record = view.suggestion
        guard let approval = record.events.last(where: { $0.to == .approved }) else { throw WebError.notFound }
        let s = context.strings
        let v = SuggestionView(context)
        var data = householdFacts(view, s)
        data.merge([
            "id": String(record.id),
            "flat": v.flat(view.listing),
            "cost": v.cost(record, v.explanation(record)),
            "approvedOn": v.f.date(approval.date),
            "approvedBy": approval.actor,
            "note": approval.note ?? "",
            "hasNote": !(approval.note ?? "").isEmpty,
            "printedOn": v.f.date(configuration.today()),
        ]) { $1 }
        return render("sheet", title: s.fill("sheetTitle", record.householdReference), data: data, request: request, context: context)
    }

    /// A coach moves a suggestion on: presented to the household, submitted, and what came of it.
    func moveSuggestion(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        let form = try await form(request, context)
        let id = try id(context)
        let s = context.strings
        guard let state = form["state"].flatMap(SuggestionState.init(rawValue:)), state.requiredRole == nil else {
            return try await suggestionPage(request, context, error: s["errorStep"], status: .unprocessableContent)
        }
        guard let date = CalendarDate(flexible: form["date"] ?? configuration.today().iso) else {
            return try await suggestionPage(request, context, error: s.fill("errorDate", s["date"]), status: .unprocessableContent)
        }
        let note = form["note"]
        let database = self.database
        let record: SuggestionRecord
        do {
            let today = configuration.today()
            record = try await store { try database.moveSuggestion(id, to: state, on: date, note: note, today: today, by: actor) }
        } catch StoreError.notFound, StoreError.forbidden {
            throw WebError.notFound
        } catch let error as StoreError {
            return try await suggestionPage(
                request, context, error: await notSaved(error, suggestion: id, date: date, actor: actor, s), status: .unprocessableContent)
        }
        if form["from"] == "household" { return redirect(to: "/households/\(record.householdID.rawValue)?ok=suggestion#suggestions") }
        return redirect(to: "/suggestions/\(id)?ok=moved")
    }
}
