import Foundation
import HousingDomain
import RuleBook

/// Scores household × flat pairs and assigns flats across households.
///
/// Pure and deterministic: the same households, listings, rules and date give the same result.
///
/// A run (`run`) prepares the households (`Plan`) and the offerable listings (`ListingBlocks`: one
/// block per municipality and room count, sorted by Bruttokaltmiete, so a household's cost band is a
/// prefix of each block), then the scoring kernel visits, on every core, only the pairs in a cost band
/// whose block the household may live in and that has enough rooms and area; it checks the remaining
/// hard filters, scores the survivors and keeps each household's best candidates. The exact sparse
/// assignment solver runs on those candidates; its dual prices prove that no pair left out could
/// improve the assignment, and any household for which they do not is scanned again with a lower
/// threshold until they do (`CandidateAssignment`), so the assignment is optimal over all feasible
/// pairs — within a work bound (`assignmentWork`) that district-scale markets never reach; where it is
/// reached (state scale) the outcome says how far from the optimum it can be at most. Explanations are built afterwards for the suggestions only, from the run's own plans, with
/// the same checks and components (`Explanations.swift`).
public struct MatchingEngine: Sendable {
    public let book: RuleBook
    public let rules: MatchingRules
    public let travel: any TravelTimeEstimator
    /// Candidates per household handed to the assignment at first (tests lower it to force rescans).
    var assignmentCandidates = MatchingEngine.defaultAssignmentCandidates
    /// Listings per block of the scoring kernel (tests lower it to get many blocks from few listings).
    var blockCapacity = ListingBlocks.defaultCapacity
    /// How much work proving the assignment optimal may take (tests lift or lower it).
    var assignmentEffort = CandidateAssignment.Effort.standard

    /// How long the assignment works at proving its optimum (`CandidateAssignment`).
    public enum AssignmentWork: Sendable {
        /// Bounded: on a large contested market it stops with the best assignment found and an upper
        /// bound on how far from the optimum that is (the default; the CLI's).
        case bounded
        /// Until the optimum over all feasible pairs is proven, however many kernel passes that takes
        /// (the benchmark's `--prove`: minutes at state scale).
        case untilProven
    }

    public var assignmentWork: AssignmentWork {
        get { assignmentEffort.rescans == .max ? .untilProven : .bounded }
        set { assignmentEffort = newValue == .untilProven ? .unlimited : .standard }
    }

    public init(book: RuleBook, rules: MatchingRules? = nil, travel: (any TravelTimeEstimator)? = nil) {
        self.book = book
        self.rules = rules ?? book.matching
        self.travel = travel ?? StraightLineEstimator(model: (rules ?? book.matching).travel)
    }

    /// One scored candidate of a household.
    public struct Candidate: Hashable, Sendable {
        public var listing: Int
        public var score: Double
        public var priority: Double
    }

    /// What the run found for one household.
    public struct HouseholdResult: Sendable {
        public var household: Int
        /// Best first (score, then listing order); includes the assigned flat even if it ranks lower.
        public var top: [Candidate]
        public var feasibleCount: Int
        /// The listing index the global assignment gave this household, if any.
        public var assigned: Int?
        /// Why the household was left out entirely (e.g. no members), if it was.
        public var skippedBecause: String?
    }

    /// Wall-clock seconds of a run's phases.
    public struct Timings: Sendable {
        /// Plans, listing blocks, household thresholds.
        public var preparation: Double
        /// The scoring kernel: hard filters, scores, best candidates per household, on every core.
        public var scoring: Double
        /// The assignment, including any rescans its certificate asked for.
        public var assignment: Double
    }

    public struct Outcome: Sendable {
        public var results: [HouseholdResult]
        /// Household × listing pairs inside the households' cost bands (offerable listings in a region
        /// with a limit, Bruttokaltmiete within limit and tolerance).
        public var pairsConsidered: Int
        /// Pairs the scoring kernel evaluated: every hard filter checked and, when all pass, the score
        /// computed. Cost-band pairs in blocks a household cannot take (a municipality its
        /// Wohnsitzauflage or exclusions rule out, too few rooms or m² in the whole block) are not.
        public var pairsScored: Int
        /// Pairs whose hard filters the kernel checked (to count the feasible ones) without scoring
        /// them: their block's score bound for the household was below every pair it already kept.
        public var pairsOnlyFiltered: Int
        /// Pairs that pass every hard filter.
        public var feasiblePairs: Int
        public var assignedCount: Int
        public var totalPriority: Double
        public var seconds: Timings
        /// Candidate pairs the assignment solver saw, and how often it was solved (1 when the first
        /// candidates were already proven enough).
        public var assignmentPairs: Int
        public var assignmentRounds: Int
        /// Whether the assignment is proven optimal over all feasible pairs; when the work bound was
        /// reached first, `assignmentGap` says by how much (in priority units, the assignment's
        /// objective) it may at most fall short of the best possible total.
        public var assignmentProven: Bool
        public var assignmentGap: Double
        /// The run's plans, for building explanations of its results without repeating the work.
        let explainer: RunExplainer?
        /// `CandidateAssignment.Result.spared` and `.restricted` (for tests).
        var certificates = (spared: 0, restricted: 0)
        /// `CandidateAssignment.Result.tableAssignment` (for tests).
        var tableAssignment: [Int32]?

        /// The full explanation of a pair of this run (indices into the run's households and
        /// listings), built from the run's own plans; equal to `MatchingEngine.explain` for the pair.
        public func explanation(household: Int, listing: Int) -> MatchExplanation? {
            explainer?.explanation(household: household, listing: listing)
        }

        /// The facts of a pair of this run, as a suggestion stores them; the texts they repeat go
        /// into `texts`, which the run's `explanationTerms` then carry.
        public func explanationFacts(household: Int, listing: Int, texts: inout TextTable) -> ExplanationFacts? {
            explainer?.facts(household: household, listing: listing, texts: &texts)
        }

        /// What the run's explanations share, with the texts their facts refer to.
        public func explanationTerms(texts: TextTable) -> ExplanationTerms? {
            explainer.map { $0.engine.terms($0.context, texts: texts.texts) }
        }
    }

    public enum EngineError: Error, CustomStringConvertible, Sendable {
        /// No cost-limit table is in force on the date.
        case noTable(CalendarDate)
        public var description: String {
            switch self {
            case .noTable(let date):
                return "no cost-limit table is in force on \(date.iso): add one to Rules/cost-limits/ or run for a later date"
            }
        }
    }

    // MARK: Compiled inputs

    /// The rules in force on a run's date, looked up once.
    struct RuleContext: Sendable {
        let date: CalendarDate
        let table: CostLimitTable
        let regionOf: [MunicipalityKey: Int]
        let rulesVersion: String
    }

    func ruleContext(on date: CalendarDate) throws -> RuleContext {
        guard let table = book.costTable(on: date) else { throw EngineError.noTable(date) }
        var regionOf: [MunicipalityKey: Int] = [:]
        for (i, region) in table.regions.enumerated() {
            for key in region.members { regionOf[key] = i }
        }
        let heating = book.heating(on: date)
        return RuleContext(
            date: date, table: table, regionOf: regionOf,
            rulesVersion: "cost limits valid from \(table.validFrom.iso) (\(table.file))" + (heating.map { "; heating valid from \($0.validFrom.iso) (\($0.file))" } ?? ""))
    }

    /// An anchor with a known location.
    struct PlannedAnchor: Sendable {
        var coordinate: Coordinate
        var days: Int
        var anchor: Anchor
    }

    /// A household prepared for scoring and explaining.
    struct Plan: Sendable {
        var size: Int
        /// Limit per region index in cents (nil: no row for this size).
        var limits: [Int64?]
        var appropriateArea: Double
        var minArea: Double
        var minRooms: Double
        var needs: Needs
        var residence: ResidenceObligation
        var excluded: Set<MunicipalityKey>
        var preferred: Set<MunicipalityKey>
        var deadline: CalendarDate?
        /// The relevant anchors with a location, in the household's order.
        var anchors: [PlannedAnchor]
        /// Σ days per week of `anchors`, added in their order.
        var anchorDays: Double
        var urgency: Double
        var urgencyDetail: String

        /// The Wohnsitzauflage allows the municipality and the household has not excluded it.
        func allows(_ m: MunicipalityKey) -> Bool { residence.permits(m) && !excluded.contains(m) }
    }

    func plan(_ p: HouseholdProfile, context: RuleContext) -> Plan {
        let date = context.date
        let size = p.members.count
        let table = context.table
        let limits = table.regions.map { region in table.limit(in: region, householdSize: size)?.limit.cents }
        var anchors: [PlannedAnchor] = []
        var days = 0.0
        for anchor in p.anchors where anchor.isRelevant(on: date) {
            guard let c = anchor.coordinate ?? located(anchor.address) else { continue }
            anchors.append(PlannedAnchor(coordinate: c, days: anchor.daysPerWeek, anchor: anchor))
            days += Double(anchor.daysPerWeek)
        }
        let (urgency, detail) = self.urgency(p.household, on: date)
        return Plan(
            size: size, limits: limits, appropriateArea: Double(table.area(forHouseholdSize: size)),
            minArea: rules.space.minAreaPerPerson * Double(size), minRooms: (Double(size) / rules.space.maxPersonsPerRoom).rounded(.up),
            needs: p.household.needs, residence: p.household.residenceObligation, excluded: Set(p.household.excludedMunicipalities),
            preferred: Set(p.household.preferredMunicipalities), deadline: p.household.deadline,
            anchors: anchors, anchorDays: days, urgency: urgency, urgencyDetail: detail)
    }

    /// An address's point from the gazetteer, for anchors stored without coordinates.
    func located(_ address: Address) -> Coordinate? {
        guard let postalCode = address.postalCode, let place = address.place else { return nil }
        return try? book.gazetteer.resolve(postalCode: postalCode, place: place).coordinate
    }

    /// A listing as the checks and components see it.
    struct Row {
        var region: Int
        var gross: Int64
        var area: Double
        var rooms: Double
        var offerable: Bool
        var landlordDeclined: Bool
        var landlordScore: Double
        var ageDays: Int
        var availableFrom: CalendarDate?
        var municipality: MunicipalityKey?
        var coordinate: Coordinate?
        var floor: Int?
        var lift: Bool?
        var stepFree: Bool?
        var petsAllowed: Bool?
        var wbsRequired: Bool
    }

    func row(_ l: Listing, openness: Landlord.Openness?, context: RuleContext) -> Row {
        Row(
            region: l.municipality.flatMap { context.regionOf[$0] } ?? -1, gross: l.grossColdRent.cents,
            area: l.livingArea, rooms: l.rooms,
            offerable: l.status == .active && l.duplicateOf == nil, landlordDeclined: openness == .declined,
            landlordScore: landlordValue(openness), ageDays: max(0, l.firstSeen.days(until: context.date)), availableFrom: l.availableFrom,
            municipality: l.municipality, coordinate: l.coordinate, floor: l.floor, lift: l.lift, stepFree: l.stepFree,
            petsAllowed: l.petsAllowed, wbsRequired: l.wbsRequired)
    }

    /// Urgency 0…1 of a household on `date`: the larger of waiting time and deadline pressure.
    public func urgency(_ h: Household, on date: CalendarDate) -> (Double, String) {
        let f = rules.fairness
        let waited = max(0, h.openedOn.days(until: date))
        let waiting = min(1, Double(waited) / Double(f.waitingDaysFull))
        var deadline = 0.0
        var text = "waiting \(waited) days"
        if let d = h.deadline {
            let left = date.days(until: d)
            if left <= f.deadlineDaysFull {
                deadline = 1
            } else if left < f.deadlineHorizonDays {
                deadline = Double(f.deadlineHorizonDays - left) / Double(f.deadlineHorizonDays - f.deadlineDaysFull)
            }
            text += left < 0 ? ", deadline passed \(-left) days ago" : ", deadline in \(left) days"
        }
        return (max(waiting, deadline), text)
    }

    // MARK: Checks and components
    //
    // The hard checks and component values as explanations state them. The scoring kernel
    // (`ScoringKernel.swift`) evaluates the same conditions on flat arrays; ReferenceEngineTests pin
    // that both agree with each other and with the engine before the speed work.

    func listingOK(_ r: Row) -> Bool { r.offerable && !r.landlordDeclined }
    func limit(_ p: Plan, _ r: Row) -> Int64? { r.region >= 0 ? p.limits[r.region] : nil }
    func costOK(_ p: Plan, _ r: Row) -> Bool {
        guard let limit = limit(p, r) else { return false }
        return r.gross * 100 <= limit * (100 + Int64(rules.costTolerancePercent))
    }
    func spaceOK(_ p: Plan, _ r: Row) -> Bool { r.area >= p.minArea && r.rooms >= p.minRooms }
    func wbsOK(_ p: Plan, _ r: Row) -> Bool {
        !r.wbsRequired || (p.needs.wbsHeld && (p.needs.wbsRooms.map { r.rooms <= Double($0) } ?? true))
    }
    func accessOK(_ n: Needs, _ r: Row) -> Bool {
        if n.stepFree && r.stepFree != true { return false }
        if n.groundFloorOrLift && !(r.floor == 0 || r.lift == true) { return false }
        if let maxFloor = n.maxFloor, r.lift != true, (r.floor ?? Int.max) > maxFloor { return false }
        return true
    }
    func petsOK(_ p: Plan, _ r: Row) -> Bool { !p.needs.pets || r.petsAllowed != false }
    func datesOK(_ p: Plan, _ r: Row) -> Bool {
        guard let available = r.availableFrom, let deadline = p.deadline else { return true }
        return available <= deadline
    }
    func placeOK(_ p: Plan, _ r: Row) -> Bool { r.municipality.map(p.allows) ?? false }

    /// The six component values 0…1, in the order of `componentIDs`.
    static let componentIDs = ["commute", "cost-headroom", "space", "landlord", "preferred-municipality", "time-on-market"]

    /// The six component values of a pair.
    struct Values {
        var commute, cost, space, landlord, preferred, market: Double
        var array: [Double] { [commute, cost, space, landlord, preferred, market] }
        func score(_ w: [Double]) -> Double {
            commute * w[0] + cost * w[1] + space * w[2] + landlord * w[3] + preferred * w[4] + market * w[5]
        }
    }

    func componentValues(_ p: Plan, _ r: Row) -> Values {
        var commute = rules.commute.noAnchorScore
        if !p.anchors.isEmpty {
            var sum = 0.0
            for a in p.anchors { sum += Double(a.days) * tripValue(from: a.coordinate, to: r.coordinate) }
            commute = p.anchorDays > 0 ? sum / p.anchorDays : commute
        }
        let preferred = p.preferred.isEmpty ? 0.5 : (r.municipality.map { p.preferred.contains($0) } ?? false ? 1 : 0)
        return Values(
            commute: commute, cost: costValue(limit: limit(p, r), gross: r.gross, headroom: rules.fullScoreHeadroomPercent / 100),
            space: spaceValue(area: r.area, appropriate: p.appropriateArea), landlord: r.landlordScore,
            preferred: preferred, market: marketValue(ageDays: r.ageDays))
    }

    /// Commute score of one trip: 1 up to ok minutes, 0 from max minutes; a flat without location scores 0.
    @inline(__always)
    func tripValue(from anchor: Coordinate, to flat: Coordinate?) -> Double {
        tripScore(flat.map { travel.minutes(from: anchor, to: $0) } ?? rules.commute.maxMinutes)
    }

    @inline(__always)
    func tripScore(_ minutes: Double) -> Double {
        let c = rules.commute
        return max(0, min(1, (c.maxMinutes - minutes) / (c.maxMinutes - c.okMinutes)))
    }

    /// Cost headroom: the share of the limit left, full from `headroom` (a fraction) under it; 0 over it.
    @inline(__always)
    func costValue(limit: Int64?, gross: Int64, headroom: Double) -> Double {
        guard let limit, limit > 0, gross <= limit else { return 0 }
        return min(1, Double(limit - gross) / Double(limit) / headroom)
    }

    @inline(__always)
    func spaceValue(area: Double, appropriate: Double) -> Double { appropriate > 0 ? min(1, area / appropriate) : 1 }

    func marketValue(ageDays: Int) -> Double { max(0, 1 - Double(ageDays) / Double(rules.market.staleDays)) }

    func landlordValue(_ openness: Landlord.Openness?) -> Double { openness == .open ? 1 : 0.5 }

    var normalisedWeights: [Double] { rules.normalisedWeights }

    @inline(__always)
    func priority(score: Double, urgency: Double) -> Double { rules.priority(score: score, urgency: urgency) }
}
