import HousingDomain

extension MatchExplanation {
    /// What a job-centre user may see: health-related details (access needs, therapy trips) and the
    /// coaches' free-text place names removed.
    /// Shared by the CLI (`match explain`, `match review --json`) and the web app's review pages;
    /// `language` is the explanation's own.
    public func redactedForJobcentre(language: ExplanationLanguage = .english) -> MatchExplanation {
        let w = Wording(language: language)
        var copy = self
        copy.checks = checks.map { c in
            guard c.id == "access" else { return c }
            var hidden = c
            // Whether it passed shows beside the check; which needs they are is health-related.
            hidden.detail = w.text("details for the coach only", "Einzelheiten nur für den Coach")
            return hidden
        }
        // Anchor labels are free text a coach typed ("Dialysezentrum Kiel (Vater)", an employer, a
        // Kita): none reaches the job centre. Each trip keeps its kind (therapy shown as "other"),
        // its days and its travel time under a neutral mark (A1, A2, … as on the coach's map).
        copy.trips = trips.enumerated().map { index, t in
            var hidden = t
            if hidden.kind == .therapy { hidden.kind = .other }
            hidden.anchor = "A\(index + 1)"
            return hidden
        }
        copy.components = components.map { c in
            guard c.id == "commute" else { return c }
            var hidden = c
            hidden.detail = MatchExplanation.tripsSummary(copy.trips, language: language)
            return hidden
        }
        return copy
    }
}

extension Array where Element == SuggestionEvent {
    /// The history without the coaches' free-text notes; the job centre's own decisions keep theirs.
    public func redactedForJobcentre() -> [SuggestionEvent] {
        map { e in
            guard e.to != .approved && e.to != .rejected else { return e }
            var hidden = e
            hidden.note = nil
            return hidden
        }
    }
}
