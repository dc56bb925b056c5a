import Foundation
import HousingDomain
import Yams

/// How the matching engine weighs a flat for a household, from `Rules/matching.yaml`.
///
/// Weights are relative: they are normalised to sum 1, so every score lies in [0, 1].
public struct MatchingRules: Hashable, Sendable, Codable {
    /// Recorded with every suggestion, so an explanation names the weights it used.
    public var version: String
    /// Suggestions kept per household (top-k).
    public var suggestionsPerHousehold: Int
    /// Flats up to this many percent over the KdU limit are still suggested, marked for the job centre.
    public var costTolerancePercent: Int
    public var weights: Weights
    public var fairness: Fairness
    public var commute: Commute
    public var travel: Travel
    public var space: Space
    /// Headroom under the limit, in percent of the limit, that gives the full cost score.
    public var fullScoreHeadroomPercent: Double
    public var market: Market
    /// Where the file is, for explanations (`built-in defaults` when there is none).
    public var file: String

    public struct Weights: Hashable, Sendable, Codable {
        public var commute, costHeadroom, space, landlord, preferredMunicipality, timeOnMarket: Double
        public var total: Double { commute + costHeadroom + space + landlord + preferredMunicipality + timeOnMarket }
    }

    /// Priority in the global assignment: score × (1 + weight × urgency).
    public struct Fairness: Hashable, Sendable, Codable {
        public var weight: Double
        /// Waiting this many days since the case was opened gives full urgency.
        public var waitingDaysFull: Int
        /// A deadline this close (or passed) gives full urgency; one beyond the horizon none.
        public var deadlineDaysFull: Int
        public var deadlineHorizonDays: Int
    }

    public struct Commute: Hashable, Sendable, Codable {
        /// A trip this short scores 1.
        public var okMinutes: Double
        /// A trip this long or longer scores 0.
        public var maxMinutes: Double
        /// The commute score of a household without anchors.
        public var noAnchorScore: Double
    }

    /// Straight-line distance × detour factor, at a speed per mode: an estimate, labelled as such.
    public struct Travel: Hashable, Sendable, Codable {
        public struct Mode: Hashable, Sendable, Codable {
            public var speedKmh: Double
            /// Longest trip (road km) this mode is used for; nil = any.
            public var maxKm: Double?
            /// Minutes added per trip (walking to the stop, waiting, parking the bike).
            public var overheadMinutes: Double
        }
        public var detourFactor: Double
        public var walk: Mode
        public var bike: Mode
        public var bus: Mode
    }

    public struct Space: Hashable, Sendable, Codable {
        /// Less living area per person than this is overcrowded (hard filter).
        public var minAreaPerPerson: Double
        /// More persons per room than this is overcrowded (hard filter).
        public var maxPersonsPerRoom: Double
    }

    public struct Market: Hashable, Sendable, Codable {
        /// A listing this many days old or older scores 0 on time on the market.
        public var staleDays: Int
    }

    /// The values used when `Rules/matching.yaml` is missing.
    public static let standard = MatchingRules(
        version: "built-in", suggestionsPerHousehold: 10, costTolerancePercent: 0,
        weights: Weights(commute: 0.40, costHeadroom: 0.20, space: 0.15, landlord: 0.10, preferredMunicipality: 0.10, timeOnMarket: 0.05),
        fairness: Fairness(weight: 0.5, waitingDaysFull: 365, deadlineDaysFull: 30, deadlineHorizonDays: 120),
        commute: Commute(okMinutes: 15, maxMinutes: 75, noAnchorScore: 0.5),
        travel: Travel(
            detourFactor: 1.3, walk: .init(speedKmh: 4.5, maxKm: 2, overheadMinutes: 0),
            bike: .init(speedKmh: 14, maxKm: 8, overheadMinutes: 2), bus: .init(speedKmh: 28, maxKm: nil, overheadMinutes: 12)),
        space: Space(minAreaPerPerson: 10, maxPersonsPerRoom: 2), fullScoreHeadroomPercent: 15, market: Market(staleDays: 60),
        file: "built-in defaults")
}

/// Reads `Rules/matching.yaml`.
enum MatchingRulesReader {
    static func read(text: String, file: YAMLFile) -> MatchingRules? {
        guard let root = file.compose(text) else { return nil }
        let top = [
            "version", "suggestions_per_household", "cost_tolerance_percent", "weights", "fairness", "commute", "travel", "space", "cost", "market",
        ]
        guard let keys = file.mapping(root, field: "", allowed: top, required: ["version", "weights"]) else { return nil }
        var rules = MatchingRules.standard
        rules.file = file.displayName
        if let v = keys["version"] { rules.version = file.string(v, field: "version") ?? rules.version }
        if let n = keys["suggestions_per_household"] {
            rules.suggestionsPerHousehold = number(n, file, "suggestions_per_household", 1...100).map { Int($0) } ?? rules.suggestionsPerHousehold
        }
        if let n = keys["cost_tolerance_percent"] {
            rules.costTolerancePercent = number(n, file, "cost_tolerance_percent", 0...30).map { Int($0) } ?? rules.costTolerancePercent
        }
        if let w = keys["weights"], let m = file.mapping(w, field: "weights",
            allowed: ["commute", "cost_headroom", "space", "landlord", "preferred_municipality", "time_on_market"], required: [])
        {
            func weight(_ key: String, _ fallback: Double) -> Double { m[key].flatMap { number($0, file, "weights.\(key)", 0...100) } ?? (m[key] == nil ? fallback : 0) }
            rules.weights = .init(
                commute: weight("commute", 0), costHeadroom: weight("cost_headroom", 0), space: weight("space", 0),
                landlord: weight("landlord", 0), preferredMunicipality: weight("preferred_municipality", 0), timeOnMarket: weight("time_on_market", 0))
            if rules.weights.total <= 0 {
                file.report(w, field: "weights", "all weights are 0", fix: "give at least one weight above 0 (they are relative)")
            }
        }
        if let f = keys["fairness"], let m = file.mapping(f, field: "fairness",
            allowed: ["weight", "waiting_days_full", "deadline_days_full", "deadline_horizon_days"], required: [])
        {
            if let n = m["weight"].flatMap({ number($0, file, "fairness.weight", 0...10) }) { rules.fairness.weight = n }
            if let n = m["waiting_days_full"].flatMap({ number($0, file, "fairness.waiting_days_full", 1...3650) }) { rules.fairness.waitingDaysFull = Int(n) }
            if let n = m["deadline_days_full"].flatMap({ number($0, file, "fairness.deadline_days_full", 0...365) }) { rules.fairness.deadlineDaysFull = Int(n) }
            if let n = m["deadline_horizon_days"].flatMap({ number($0, file, "fairness.deadline_horizon_days", 1...730) }) { rules.fairness.deadlineHorizonDays = Int(n) }
            if rules.fairness.deadlineHorizonDays <= rules.fairness.deadlineDaysFull {
                file.report(f, field: "fairness.deadline_horizon_days", "the horizon must be longer than deadline_days_full", fix: "raise deadline_horizon_days")
            }
        }
        if let c = keys["commute"], let m = file.mapping(c, field: "commute", allowed: ["ok_minutes", "max_minutes", "no_anchor_score"], required: []) {
            if let n = m["ok_minutes"].flatMap({ number($0, file, "commute.ok_minutes", 0...240) }) { rules.commute.okMinutes = n }
            if let n = m["max_minutes"].flatMap({ number($0, file, "commute.max_minutes", 1...480) }) { rules.commute.maxMinutes = n }
            if let n = m["no_anchor_score"].flatMap({ number($0, file, "commute.no_anchor_score", 0...1) }) { rules.commute.noAnchorScore = n }
            if rules.commute.maxMinutes <= rules.commute.okMinutes {
                file.report(c, field: "commute.max_minutes", "max_minutes must be more than ok_minutes", fix: "raise max_minutes")
            }
        }
        if let t = keys["travel"], let m = file.mapping(t, field: "travel", allowed: ["detour_factor", "walk", "bike", "bus"], required: []) {
            if let n = m["detour_factor"].flatMap({ number($0, file, "travel.detour_factor", 1...3) }) { rules.travel.detourFactor = n }
            func mode(_ key: String, _ current: MatchingRules.Travel.Mode) -> MatchingRules.Travel.Mode {
                guard let node = m[key], let mm = file.mapping(node, field: "travel.\(key)", allowed: ["speed_kmh", "max_km", "overhead_minutes"], required: ["speed_kmh"]) else { return current }
                var result = current
                if let n = mm["speed_kmh"].flatMap({ number($0, file, "travel.\(key).speed_kmh", 1...200) }) { result.speedKmh = n }
                if let n = mm["max_km"].flatMap({ number($0, file, "travel.\(key).max_km", 0...500) }) { result.maxKm = n }
                if let n = mm["overhead_minutes"].flatMap({ number($0, file, "travel.\(key).overhead_minutes", 0...120) }) { result.overheadMinutes = n }
                return result
            }
            rules.travel.walk = mode("walk", rules.travel.walk)
            rules.travel.bike = mode("bike", rules.travel.bike)
            rules.travel.bus = mode("bus", rules.travel.bus)
        }
        if let s = keys["space"], let m = file.mapping(s, field: "space", allowed: ["min_area_per_person", "max_persons_per_room"], required: []) {
            if let n = m["min_area_per_person"].flatMap({ number($0, file, "space.min_area_per_person", 0...100) }) { rules.space.minAreaPerPerson = n }
            if let n = m["max_persons_per_room"].flatMap({ number($0, file, "space.max_persons_per_room", 0.5...10) }) { rules.space.maxPersonsPerRoom = n }
        }
        if let c = keys["cost"], let m = file.mapping(c, field: "cost", allowed: ["full_score_headroom_percent"], required: []) {
            if let n = m["full_score_headroom_percent"].flatMap({ number($0, file, "cost.full_score_headroom_percent", 0.1...100) }) { rules.fullScoreHeadroomPercent = n }
        }
        if let c = keys["market"], let m = file.mapping(c, field: "market", allowed: ["stale_days"], required: []) {
            if let n = m["stale_days"].flatMap({ number($0, file, "market.stale_days", 1...3650) }) { rules.market.staleDays = Int(n) }
        }
        return file.problems.isEmpty ? rules : nil
    }

    /// A number within `range`, or a reported problem.
    private static func number(_ node: Node, _ file: YAMLFile, _ field: String, _ range: ClosedRange<Double>) -> Double? {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else {
            file.report(node, field: field, "'\(node.string ?? "?")' is not a number", fix: "write a number from \(range.lowerBound.formatted()) to \(range.upperBound.formatted())")
            return nil
        }
        guard range.contains(value) else {
            file.report(node, field: field, "\(scalar.string) is out of range", fix: "write a number from \(range.lowerBound.formatted()) to \(range.upperBound.formatted())")
            return nil
        }
        return value
    }
}
