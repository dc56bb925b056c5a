import Foundation
import HousingDomain
import HousingStore
import Matching
import RuleBook

/// Turns a suggestion, its flat and its explanation into what the templates show, in the page
/// language. The job centre's pages get the redacted explanation and history.
struct SuggestionView {
    let s: Strings
    let f: Format
    /// The language of the explanations' sentences: the page's.
    let language: ExplanationLanguage

    init(_ context: WebContext) {
        s = context.strings
        f = Format(language: context.language)
        language = context.language == .de ? .german : .english
    }

    /// The suggestion's explanation in the page language (runs stored before explanations were kept
    /// as figures hold English sentences); the job centre's without what it may not see.
    func explanation(_ record: SuggestionRecord, redacted: Bool = false) -> MatchExplanation? {
        let e = try? MatchExplanation(stored: record.explanation, terms: record.explanationTerms, language: language)
        return redacted ? e?.redactedForJobcentre(language: language) : e
    }

    /// The cost verdict first: limit, Bruttokaltmiete, headroom or excess, heating.
    func cost(_ record: SuggestionRecord, _ e: MatchExplanation?) -> [String: Any] {
        var data: [String: Any] = [
            "gross": f.money(record.grossColdRent),
            "limit": record.limit.map(f.money) ?? "–",
        ]
        let verdict = e?.cost?.verdict.rawValue ?? record.costVerdict ?? "unknown"
        data["verdict"] = s.label("verdict", verdict)
        data["verdictClass"] = verdict == "appropriate" ? "ok" : verdict == "not-appropriate" ? "bad" : "warn"
        if let limit = record.limit {
            let headroom = limit - record.grossColdRent
            data["headroomLabel"] = headroom.cents >= 0 ? s["headroom"] : s["excess"]
            data["headroom"] = f.money(headroom.cents >= 0 ? headroom : -headroom)
            data["headroomClass"] = headroom.cents >= 0 ? "ok" : "bad"
        } else {
            data["headroomLabel"] = s["headroom"]
            data["headroom"] = "–"
            data["headroomClass"] = ""
        }
        guard let c = e?.cost else {
            data["heating"] = s.label("heating", "not-judged")
            return data
        }
        data["net"] = f.money(c.netColdRent)
        data["operating"] = f.money(c.operatingCosts)
        var heating = s.label("heating", c.heating.verdict.rawValue)
        if let cost = c.heating.cost { heating += " · " + f.money(cost) }
        if let threshold = c.heating.monthlyThreshold { heating += " (" + s.fill("heatingThreshold", f.money(threshold)) + ")" }
        data["heating"] = heating
        data["heatingClass"] = c.heating.verdict == .aboveThreshold ? "bad" : c.heating.verdict == .withinThreshold ? "ok" : ""
        data["heatingShort"] = s.label("heating", c.heating.verdict.rawValue)
        if let region = c.region, let row = c.row {
            data["region"] = s.fill("regionRow", region.id, region.name, String(row.householdSize), String(row.appropriateArea))
        }
        if let table = c.table { data["table"] = s.fill("costTable", f.date(table.validFrom)) }
        if e?.overLimitWithinTolerance == true { data["tolerance"] = true }
        if !c.notes.isEmpty {
            data["notes"] = c.notes
            data["hasNotes"] = true
        }
        return data
    }

    /// The flat as label/value pairs.
    func flat(_ l: Listing) -> [[String: Any]] {
        var rows: [(String, String)] = [
            (s["address"], [l.address.oneLine, l.municipality.map { "(\($0.rawValue))" }].compactMap { $0 }.joined(separator: " ")),
            (s["rooms"], f.decimal(l.rooms)),
            (s["livingArea"], f.area(l.livingArea)),
        ]
        if let floor = l.floor { rows.append((s["floor"], floor == 0 ? s["groundFloor"] : String(floor))) }
        if let lift = l.lift { rows.append((s["lift"], lift ? s["yes"] : s["no"])) }
        rows.append((s["netColdRent"], f.money(l.netColdRent)))
        rows.append((s["operatingCosts"], f.money(l.operatingCosts)))
        rows.append((s["grossColdRent"], f.money(l.grossColdRent)))
        if l.heatingIncluded {
            rows.append((s["heatingCosts"], s["heatingIncluded"]))
        } else if let heating = l.heatingCosts {
            rows.append((s["heatingCosts"], f.money(heating) + (l.heatingType.map { " · " + s.label("heatingType", $0.rawValue) } ?? "")))
        }
        if let deposit = l.deposit { rows.append((s["deposit"], f.money(deposit))) }
        if let available = l.availableFrom { rows.append((s["availableFrom"], f.date(available))) }
        rows.append((s["listingSource"], "\(l.source)/\(l.externalID)"))
        return rows.map { ["label": $0.0, "value": $0.1] }
    }

    /// One line naming the flat, for tables.
    func flatLine(_ l: Listing) -> String {
        "\(l.address.postalCode?.rawValue ?? "") \(l.address.place ?? "") · \(f.decimal(l.rooms)) \(s["roomsShort"]) · \(f.area(l.livingArea))"
    }

    /// Checks, score components and trips, with the versions of the rules used and the run. The
    /// details are in the page language, except those of runs stored before explanations were kept
    /// as figures (`stored` has no terms): their sentences are English, and marked so.
    func explanation(_ e: MatchExplanation, run: Int64, stored: SuggestionRecord) -> [String: Any] {
        [
            "detailLanguage": stored.explanationTerms == nil ? "en" : language.rawValue,
            "checks": e.checks.map { c -> [String: Any] in
                ["name": s.label("check", c.id), "passed": c.passed, "mark": c.passed ? "✓" : "✗", "result": c.passed ? s["passed"] : s["failed"],
                 "detail": c.detail]
            },
            "components": e.components.map { c -> [String: Any] in
                ["name": s.label("component", c.id), "value": f.decimal(c.value, digits: 2), "weight": f.decimal(c.weight, digits: 2),
                 "contribution": f.decimal(c.contribution, digits: 3), "detail": c.detail]
            },
            "score": f.decimal(e.score, digits: 3),
            "priority": f.decimal(e.priority, digits: 3),
            "urgency": f.decimal(e.urgency, digits: 2),
            "hasTrips": !e.trips.isEmpty,
            "trips": e.trips.map { t -> [String: Any] in
                ["anchor": t.anchor, "kind": s.label("anchor", t.kind.rawValue), "minutes": f.decimal(t.estimate.minutes, digits: 0),
                 "mode": s.label("mode", t.estimate.mode.rawValue), "km": f.decimal(t.estimate.distanceKilometres), "days": String(t.daysPerWeek)]
            },
            "versions": s.fill("rulesVersions", e.rulesVersion, e.weightsVersion, f.date(e.date), String(run)),
        ]
    }

    func history(_ events: [SuggestionEvent]) -> [[String: Any]] {
        events.map { e in
            var row: [String: Any] = [
                "date": f.date(e.date), "to": s.label("state", e.to.rawValue), "actor": e.actor,
            ]
            if let from = e.from { row["from"] = s.label("state", from.rawValue) }
            if let reason = e.reason { row["reason"] = s.label("reason", reason.rawValue) }
            if let note = e.note, !note.isEmpty { row["note"] = note }
            return row
        }
    }
}
