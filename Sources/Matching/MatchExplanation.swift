import HousingDomain
import RuleBook

/// Everything that led to one suggestion, kept with it: each hard check with its numbers, each
/// score component with weight and contribution, the cost judgement, the trips, and the versions
/// of the rules and weights.
public struct MatchExplanation: Hashable, Codable, Sendable {
    public struct Check: Hashable, Codable, Sendable {
        /// `listing`, `cost`, `space`, `wbs`, `access`, `pets`, `place`, `dates`.
        public var id: String
        public var passed: Bool
        public var detail: String
    }

    public struct Component: Hashable, Codable, Sendable {
        /// `commute`, `cost-headroom`, `space`, `landlord`, `preferred-municipality`, `time-on-market`.
        public var id: String
        /// The component's own value, 0…1.
        public var value: Double
        /// Its normalised weight (weights sum to 1).
        public var weight: Double
        /// value × weight: its share of the score.
        public var contribution: Double
        public var detail: String
    }

    public struct Trip: Hashable, Codable, Sendable {
        public var anchor: String
        public var kind: Anchor.Kind
        public var daysPerWeek: Int
        public var estimate: TravelEstimate
        /// The trip's commute score, 0…1.
        public var score: Double
    }

    public var date: CalendarDate
    public var checks: [Check]
    public var components: [Component]
    /// Σ contributions, 0…1.
    public var score: Double
    /// Urgency of the household, 0…1, from waiting time and deadline.
    public var urgency: Double
    /// Score × (1 + fairness weight × urgency), normalised to 0…1: what the global assignment maximises.
    public var priority: Double
    public var urgencyDetail: String
    /// The KdU judgement of the flat for the household on `date` (nil when it could not be judged).
    public var cost: CostJudgement?
    /// Over the limit but within the configured tolerance: the job centre must consent.
    public var overLimitWithinTolerance: Bool
    public var trips: [Trip]
    /// The cost table and heating rules applied, e.g. `cost limits valid from 2020-01-01 (Rules/…)`.
    public var rulesVersion: String
    /// `Rules/matching.yaml` version.
    public var weightsVersion: String

    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// `Job 22 min by bus (5×/week); School 4 min on foot (5×/week) — estimated`, the commute detail
    /// (in German `Job 22 Min. mit dem Bus (5×/Woche); … — geschätzt`).
    public static func tripsSummary(_ trips: [Trip], language: ExplanationLanguage = .english) -> String {
        guard !trips.isEmpty else { return "" }
        let w = Wording(language: language)
        return trips.map { t in
            let minutes = NumberText.fixed(t.estimate.minutes, 0)
            return w.text("\(t.anchor) \(minutes) min \(w.by(t.estimate.mode)) (\(t.daysPerWeek)×/week)", "\(t.anchor) \(minutes) Min. \(w.by(t.estimate.mode)) (\(t.daysPerWeek)×/Woche)")
        }.joined(separator: "; ") + w.text(" — estimated", " — geschätzt")
    }
    /// The first failed check, for "why not".
    public var failedChecks: [Check] { checks.filter { !$0.passed } }
}
