import HousingDomain

extension MatchExplanation {
    /// What a job-centre user may see: health-related details (access needs, therapy trips) removed.
    /// Shared by the CLI (`match explain`, `match review --json`) and the web app's review pages.
    public func redactedForJobcentre() -> MatchExplanation {
        var copy = self
        copy.checks = checks.map { c in
            guard c.id == "access" else { return c }
            var hidden = c
            hidden.detail = c.passed ? "met" : "not met"
            return hidden
        }
        copy.trips = trips.map { t in
            guard t.kind == .therapy else { return t }
            var hidden = t
            hidden.anchor = "regular appointment"
            hidden.kind = .other
            return hidden
        }
        copy.components = components.map { c in
            guard c.id == "commute" else { return c }
            var hidden = c
            hidden.detail = MatchExplanation.tripsSummary(copy.trips)
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
