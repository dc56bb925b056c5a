// The matching engine as it was before the speed work (commit 3bc4eef), kept verbatim apart from
// its name as the reference the new engine is checked against: the same checks, scores, top lists,
// explanations and optimal assignment total on random instances (ReferenceEngineTests).
// Do not "fix" or speed up this copy; it is the specification by example. It shares the travel
// estimator with the engine (StraightLineEstimator, whose distance now comes from the chord between
// unit vectors: the haversine figure up to rounding), so both see the same minutes.
import Foundation
import HousingDomain
import RuleBook
@testable import Matching

/// Scores household × flat pairs and assigns flats across households.
///
/// Pure and deterministic: the same households, listings, rules and date give the same result.
/// The hot loop visits only pairs inside each household's cost band (per comparison region, the
/// listings sorted by Bruttokaltmiete up to the household's limit), checks the remaining hard
/// filters, scores the survivors, keeps the top k per household and hands every feasible pair to
/// the exact sparse assignment solver. Explanations are built afterwards for the suggestions
/// only, with the same checks and components.
struct ReferenceEngine: Sendable {
    public let book: RuleBook
    public let rules: MatchingRules
    public let travel: any TravelTimeEstimator

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

    public struct Outcome: Sendable {
        public var results: [HouseholdResult]
        /// Pairs inside the cost bands, all checked and (if feasible) scored.
        public var pairsConsidered: Int
        public var feasiblePairs: Int
        public var assignedCount: Int
        public var totalPriority: Double
        public var seconds: (scoring: Double, assignment: Double)
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

    /// A household prepared for the loop.
    struct Plan {
        var index: Int
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
        /// Per municipality index of the context: the Wohnsitzauflage allows it and it is not excluded.
        var allowedPlace: [Bool]
        /// Per municipality index: the household prefers it.
        var preferredPlace: [Bool]
        /// (point index into the travel cache, days per week, anchor), for explanations.
        var anchors: [(point: Int, days: Int, anchor: Anchor)]
        /// The same points and days as plain numbers, for the scoring loop.
        var anchorPoints: [Int]
        var anchorDays: [Double]
        var urgency: Double
        var urgencyDetail: String
    }

    /// A listing prepared for the loop.
    struct Row {
        var index: Int
        var region: Int
        var gross: Int64
        var area: Double
        var rooms: Double
        var offerable: Bool
        var landlordDeclined: Bool
        var landlordScore: Double
        var ageDays: Int
        var availableFrom: CalendarDate?
        /// Index into the context's municipalities, -1 when unknown.
        var place: Int
        var floor: Int?
        var lift: Bool?
        var stepFree: Bool?
        var petsAllowed: Bool?
        var wbsRequired: Bool
    }

    struct Context {
        let table: CostLimitTable
        let regionOf: [MunicipalityKey: Int]
        var points: [Coordinate] = []
        var pointIndex: [Coordinate: Int] = [:]
        /// minutes[point][listing], computed lazily (NaN = not yet).
        var minutes: [[Float]] = []
        let listingCoordinates: [Coordinate?]
        /// The listings' municipalities, indexed once so per-pair place checks are array lookups.
        var municipalities: [MunicipalityKey] = []
        var municipalityIndex: [MunicipalityKey: Int] = [:]

        mutating func point(_ c: Coordinate) -> Int {
            if let i = pointIndex[c] { return i }
            let i = points.count
            points.append(c)
            pointIndex[c] = i
            minutes.append([Float](repeating: .nan, count: listingCoordinates.count))
            return i
        }

        mutating func travelMinutes(point: Int, listing: Int, estimator: any TravelTimeEstimator) -> Double? {
            let cached = minutes[point][listing]
            if !cached.isNaN { return Double(cached) }
            guard let to = listingCoordinates[listing] else { return nil }
            let m = estimator.minutes(from: points[point], to: to)
            minutes[point][listing] = Float(m)
            return m
        }
    }

    func makeContext(listings: [Listing], on date: CalendarDate) throws -> Context {
        guard let table = book.costTable(on: date) else { throw EngineError.noTable(date) }
        var regionOf: [MunicipalityKey: Int] = [:]
        for (i, region) in table.regions.enumerated() {
            for key in region.members { regionOf[key] = i }
        }
        var context = Context(table: table, regionOf: regionOf, listingCoordinates: listings.map(\.coordinate))
        for key in listings.compactMap(\.municipality) where context.municipalityIndex[key] == nil {
            context.municipalityIndex[key] = context.municipalities.count
            context.municipalities.append(key)
        }
        return context
    }

    func plan(_ p: HouseholdProfile, index: Int, context: inout Context, on date: CalendarDate) -> Plan {
        let size = p.members.count
        let limits = context.table.regions.map { region in context.table.limit(in: region, householdSize: size)?.limit.cents }
        let appropriate = Double(context.table.area(forHouseholdSize: size))
        var anchors: [(Int, Int, Anchor)] = []
        for anchor in p.anchors where anchor.isRelevant(on: date) {
            guard let c = anchor.coordinate ?? located(anchor.address) else { continue }
            anchors.append((context.point(c), anchor.daysPerWeek, anchor))
        }
        let (urgency, detail) = self.urgency(p.household, on: date)
        let excluded = Set(p.household.excludedMunicipalities)
        let preferred = Set(p.household.preferredMunicipalities)
        let allowed = context.municipalities.map { p.household.residenceObligation.permits($0) && !excluded.contains($0) }
        return Plan(
            index: index, size: size, limits: limits, appropriateArea: appropriate,
            minArea: rules.space.minAreaPerPerson * Double(size), minRooms: (Double(size) / rules.space.maxPersonsPerRoom).rounded(.up),
            needs: p.household.needs, residence: p.household.residenceObligation, excluded: excluded,
            preferred: preferred, deadline: p.household.deadline,
            allowedPlace: allowed, preferredPlace: context.municipalities.map { preferred.contains($0) }, anchors: anchors,
            anchorPoints: anchors.map(\.0), anchorDays: anchors.map { Double($0.1) },
            urgency: urgency, urgencyDetail: detail)
    }

    /// An address's point from the gazetteer, for anchors stored without coordinates.
    func located(_ address: Address) -> Coordinate? {
        guard let postalCode = address.postalCode, let place = address.place else { return nil }
        return try? book.gazetteer.resolve(postalCode: postalCode, place: place).coordinate
    }

    func row(_ l: Listing, index: Int, context: Context, landlords: [Landlord.ID: Landlord.Openness], on date: CalendarDate) -> Row {
        let openness = l.landlordID.flatMap { landlords[$0] }
        return Row(
            index: index, region: l.municipality.flatMap { context.regionOf[$0] } ?? -1, gross: l.grossColdRent.cents,
            area: l.livingArea, rooms: l.rooms,
            offerable: l.status == .active && l.duplicateOf == nil, landlordDeclined: openness == .declined,
            landlordScore: openness == .open ? 1 : 0.5, ageDays: max(0, l.firstSeen.days(until: date)), availableFrom: l.availableFrom,
            place: l.municipality.flatMap { context.municipalityIndex[$0] } ?? -1, floor: l.floor, lift: l.lift, stepFree: l.stepFree,
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

    // MARK: Checks and components (one implementation for the loop and for explanations)

    // The hard checks, each one predicate, used by the hot loop (`feasible`) and by explanations.

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
    func placeOK(_ p: Plan, _ r: Row) -> Bool { r.place >= 0 && p.allowedPlace[r.place] }

    /// All hard checks, cheapest first, without building any text.
    @inline(__always)
    func feasible(_ p: Plan, _ r: Row) -> Bool {
        listingOK(r) && costOK(p, r) && spaceOK(p, r) && wbsOK(p, r) && accessOK(p.needs, r) && petsOK(p, r) && datesOK(p, r) && placeOK(p, r)
    }

    /// Every hard check with its numbers, for an explanation.
    func checks(_ p: Plan, _ r: Row, listing l: Listing, placeName: String?) -> [MatchExplanation.Check] {
        var out: [MatchExplanation.Check] = []
        func check(_ id: String, _ passed: Bool, _ detail: String) { out.append(.init(id: id, passed: passed, detail: detail)) }
        let tolerance = rules.costTolerancePercent
        check("listing", listingOK(r),
            !r.offerable ? "the listing is \(l.status.rawValue)\(l.duplicateOf.map { ", a duplicate of listing \($0)" } ?? "")"
                : r.landlordDeclined ? "the landlord has declined to rent to refugee households" : "active, and the landlord has not declined")
        let costText: String
        if let limit = limit(p, r) {
            let diff = Money(cents: limit - r.gross)
            costText = r.gross <= limit
                ? "Bruttokaltmiete \(Money(cents: r.gross)) within the limit \(Money(cents: limit)) (headroom \(diff))"
                : "Bruttokaltmiete \(Money(cents: r.gross)) is \(-diff) over the limit \(Money(cents: limit))" + (costOK(p, r) ? ", within the \(tolerance) % tolerance: the job centre must consent" : "")
        } else {
            costText = r.region < 0 ? "no Kreis Plön KdU limit applies to this municipality" : "no limit row for \(p.size) persons"
        }
        check("cost", costOK(p, r), costText)
        check("space", spaceOK(p, r),
            String(format: "%.1f m² and %@ room(s) for %d person(s) (at least %.0f m² and %.0f room(s): %.0f m² per person, at most %.0f persons per room)",
                r.area, r.rooms == r.rooms.rounded() ? String(Int(r.rooms)) : String(r.rooms), p.size, p.minArea, p.minRooms,
                rules.space.minAreaPerPerson, rules.space.maxPersonsPerRoom))
        check("wbs", wbsOK(p, r), !r.wbsRequired ? "no WBS required" : p.needs.wbsHeld ? (wbsOK(p, r) ? "WBS required and held" : "WBS required; the household's WBS allows \(p.needs.wbsRooms ?? 0) room(s)") : "WBS required, but the household holds none")
        check("access", accessOK(p.needs, r), accessText(p.needs, r))
        check("pets", petsOK(p, r), !p.needs.pets ? "no pets" : r.petsAllowed == true ? "pets allowed" : petsOK(p, r) ? "pets: the listing does not say; ask the landlord" : "pets not allowed, the household keeps pets")
        check("dates", datesOK(p, r), r.availableFrom.map { "available from \($0.iso)" + (p.deadline.map { d in datesOK(p, r) ? ", before the deadline \(d.iso)" : ", after the deadline \(d.iso)" } ?? "") } ?? "available now (\(l.availableFromText ?? "no date given"))")
        let placeText: String
        if let key = l.municipality {
            let m = placeName.map { "\($0) (\(key))" } ?? "\(key)"
            if !p.residence.permits(key) {
                placeText = "the Wohnsitzauflage (\(p.residence.code)) does not allow \(m)"
            } else if p.excluded.contains(key) {
                placeText = "\(m) is excluded by the household"
            } else {
                placeText = "\(m) allowed" + (p.residence == .none ? "" : " by the Wohnsitzauflage (\(p.residence.code))")
            }
        } else {
            placeText = "the listing's municipality is unknown"
        }
        check("place", placeOK(p, r), placeText)
        return out
    }

    func accessText(_ needs: Needs, _ r: Row) -> String {
        var reasons: [String] = []
        if needs.stepFree && r.stepFree != true { reasons.append(r.stepFree == nil ? "step-free access needed, the listing does not say" : "step-free access needed") }
        if needs.groundFloorOrLift && !(r.floor == 0 || r.lift == true) {
            reasons.append(r.floor == nil ? "ground floor or lift needed, floor unknown" : "ground floor or lift needed, floor \(r.floor ?? 0) without lift")
        }
        if let maxFloor = needs.maxFloor, r.lift != true, (r.floor ?? Int.max) > maxFloor {
            reasons.append("at most floor \(maxFloor) without a lift, the flat is on \(r.floor.map { "floor \($0)" } ?? "an unknown floor")")
        }
        if reasons.isEmpty {
            let needed = needs.stepFree || needs.groundFloorOrLift || needs.maxFloor != nil
            return needed ? "access needs met (floor \(r.floor.map(String.init) ?? "?"), lift \(r.lift == true ? "yes" : "no"), step-free \(r.stepFree == true ? "yes" : "no"))" : "no access needs"
        }
        return reasons.joined(separator: "; ")
    }

    /// The six component values 0…1, in the order of `componentIDs`.
    static let componentIDs = ["commute", "cost-headroom", "space", "landlord", "preferred-municipality", "time-on-market"]

    /// The six component values of a pair, without allocating.
    struct Values {
        var commute, cost, space, landlord, preferred, market: Double
        var array: [Double] { [commute, cost, space, landlord, preferred, market] }
        func score(_ w: [Double]) -> Double {
            commute * w[0] + cost * w[1] + space * w[2] + landlord * w[3] + preferred * w[4] + market * w[5]
        }
    }

    func componentValues(_ p: Plan, _ r: Row, context: inout Context) -> Values {
        // Commute: per anchor 1 up to ok minutes, 0 at max minutes; weighted by days per week.
        var commute = rules.commute.noAnchorScore
        if !p.anchorPoints.isEmpty {
            var sum = 0.0
            var days = 0.0
            for a in 0..<p.anchorPoints.count {
                let minutes = context.travelMinutes(point: p.anchorPoints[a], listing: r.index, estimator: travel) ?? rules.commute.maxMinutes
                sum += p.anchorDays[a] * tripScore(minutes)
                days += p.anchorDays[a]
            }
            commute = days > 0 ? sum / days : commute
        }
        var cost = 0.0
        if r.region >= 0, let limit = p.limits[r.region], limit > 0, r.gross <= limit {
            cost = min(1, Double(limit - r.gross) / Double(limit) / (rules.fullScoreHeadroomPercent / 100))
        }
        let space = p.appropriateArea > 0 ? min(1, r.area / p.appropriateArea) : 1
        let preferred = p.preferred.isEmpty ? 0.5 : (r.place >= 0 && p.preferredPlace[r.place] ? 1 : 0)
        let market = max(0, 1 - Double(r.ageDays) / Double(rules.market.staleDays))
        return Values(commute: commute, cost: cost, space: space, landlord: r.landlordScore, preferred: preferred, market: market)
    }

    func tripScore(_ minutes: Double) -> Double {
        let c = rules.commute
        return max(0, min(1, (c.maxMinutes - minutes) / (c.maxMinutes - c.okMinutes)))
    }

    var normalisedWeights: [Double] {
        let w = rules.weights
        let raw = [w.commute, w.costHeadroom, w.space, w.landlord, w.preferredMunicipality, w.timeOnMarket]
        let total = raw.reduce(0, +)
        return raw.map { total > 0 ? $0 / total : 0 }
    }

    func priority(score: Double, urgency: Double) -> Double {
        let f = rules.fairness.weight
        return score * (1 + f * urgency) / (1 + f)
    }

    /// The inverse of `priority(score:urgency:)`.
    func score(priority: Double, urgency: Double) -> Double {
        let f = rules.fairness.weight
        return priority * (1 + f) / (1 + f * urgency)
    }

    // MARK: Run

    /// Scores every household against every listing in its cost band, keeps the top k and assigns.
    public func run(households: [HouseholdProfile], listings: [Listing], landlords: [Landlord.ID: Landlord.Openness], on date: CalendarDate) throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        var context = try makeContext(listings: listings, on: date)
        let rows = listings.enumerated().map { row($1, index: $0, context: context, landlords: landlords, on: date) }
        // Per region, offerable listings sorted by Bruttokaltmiete (then index): the cost band is a prefix.
        var byRegion = [[Int]](repeating: [], count: context.table.regions.count)
        for r in rows where r.region >= 0 && r.offerable && !r.landlordDeclined { byRegion[r.region].append(r.index) }
        for i in byRegion.indices { byRegion[i].sort { (rows[$0].gross, $0) < (rows[$1].gross, $1) } }
        let weights = normalisedWeights
        let k = rules.suggestionsPerHousehold
        let tolerance = Int64(rules.costTolerancePercent)

        var results: [HouseholdResult] = []
        var rowStart: [Int] = [0]
        var columns: [Int32] = []
        var edgeScores: [Double] = []
        var considered = 0
        var urgencies = [Double](repeating: 0, count: households.count)
        for (hi, profile) in households.enumerated() {
            guard !profile.members.isEmpty else {
                results.append(HouseholdResult(household: hi, top: [], feasibleCount: 0, assigned: nil, skippedBecause: "no members recorded"))
                rowStart.append(columns.count)
                continue
            }
            let p = plan(profile, index: hi, context: &context, on: date)
            urgencies[hi] = p.urgency
            var top: [Candidate] = []
            var feasible = 0
            for (region, indices) in byRegion.enumerated() {
                guard let limit = p.limits[region] else { continue }
                let bound = limit * (100 + tolerance)
                for li in indices {
                    let r = rows[li]
                    if r.gross * 100 > bound { break }
                    considered += 1
                    guard self.feasible(p, r) else { continue }
                    let score = componentValues(p, r, context: &context).score(weights)
                    let pr = priority(score: score, urgency: p.urgency)
                    feasible += 1
                    columns.append(Int32(li))
                    edgeScores.append(min(1, max(0, pr)))
                    insert(Candidate(listing: li, score: score, priority: pr), into: &top, k: k)
                }
            }
            rowStart.append(columns.count)
            results.append(HouseholdResult(household: hi, top: top, feasibleCount: feasible, assigned: nil, skippedBecause: nil))
        }
        let scored = clock.now
        let matrix = try SparseScores(rowCount: households.count, columnCount: listings.count, rowStart: rowStart, columns: columns, scores: edgeScores)
        let assignment = AssignmentSolver.maximize(matrix)
        var assignedCount = 0
        var total = 0.0
        for (hi, column) in assignment.columnForRow.enumerated() where column >= 0 {
            let li = Int(column)
            results[hi].assigned = li
            assignedCount += 1
            if !results[hi].top.contains(where: { $0.listing == li }) {
                // The assigned flat ranks below this household's top k: keep it as well.
                let range = rowStart[hi]..<rowStart[hi + 1]
                if let e = range.first(where: { columns[$0] == column }) {
                    let pr = edgeScores[e]
                    results[hi].top.append(Candidate(listing: li, score: score(priority: pr, urgency: urgencies[hi]), priority: pr))
                }
            }
            if let c = results[hi].top.first(where: { $0.listing == li }) { total += c.priority }
        }
        let end = clock.now
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        return Outcome(
            results: results, pairsConsidered: considered, feasiblePairs: columns.count, assignedCount: assignedCount,
            totalPriority: total, seconds: (seconds(scored - start), seconds(end - scored)))
    }

    /// Keeps `top` sorted best-first (score desc, listing asc) with at most `k` entries.
    func insert(_ c: Candidate, into top: inout [Candidate], k: Int) {
        func better(_ a: Candidate, _ b: Candidate) -> Bool { a.score != b.score ? a.score > b.score : a.listing < b.listing }
        if top.count == k, let last = top.last, !better(c, last) { return }
        var i = top.count
        while i > 0 && better(c, top[i - 1]) { i -= 1 }
        top.insert(c, at: i)
        if top.count > k { top.removeLast() }
    }

    // MARK: Explanations

    /// The full explanation of one pair, suggested or not: every check (passed or failed, with
    /// its numbers), every component with weight and contribution, the cost judgement and trips.
    public func explain(household profile: HouseholdProfile, listing: Listing, landlordOpenness: Landlord.Openness?, on date: CalendarDate) throws -> MatchExplanation {
        var context = try makeContext(listings: [listing], on: date)
        let landlords: [Landlord.ID: Landlord.Openness] = listing.landlordID.flatMap { id in landlordOpenness.map { [id: $0] } } ?? [:]
        let r = row(listing, index: 0, context: context, landlords: landlords, on: date)
        let p = plan(profile, index: 0, context: &context, on: date)
        var judgement: CostJudgement?
        if let costCase = try? CostCase(listing: listing, members: profile.members, on: date) {
            judgement = try? book.judge(costCase, on: date)
        }
        var checks = checks(p, r, listing: listing, placeName: judgement?.municipalityName)
        if profile.members.isEmpty {
            checks.insert(.init(id: "household", passed: false, detail: "the household has no members recorded"), at: 0)
        }
        let values = componentValues(p, r, context: &context).array
        let weights = normalisedWeights
        var components: [MatchExplanation.Component] = []
        var trips: [MatchExplanation.Trip] = []
        for a in p.anchors {
            guard let to = listing.coordinate else { continue }
            let estimate = travel.estimate(from: context.points[a.point], to: to)
            trips.append(.init(anchor: a.anchor.label, kind: a.anchor.kind, daysPerWeek: a.days, estimate: estimate, score: tripScore(estimate.minutes)))
        }
        let limit: Int64? = r.region >= 0 ? p.limits[r.region] : nil
        let texts = [
            trips.isEmpty ? (p.anchors.isEmpty ? (profile.anchors.isEmpty ? "no anchors: neutral \(rules.commute.noAnchorScore)" : "anchors without a known location: neutral \(rules.commute.noAnchorScore)") : "the flat has no location")
                : MatchExplanation.tripsSummary(trips),
            limit.map { l in r.gross <= l ? "headroom \(Money(cents: l - r.gross)) of \(Money(cents: l)) (full score from \(Int(rules.fullScoreHeadroomPercent)) % under)" : "over the limit" } ?? "no limit",
            String(format: "%.1f m² against %.0f m² appropriate for %d person(s)", r.area, p.appropriateArea, p.size),
            listing.landlordID == nil ? "no landlord recorded" : "landlord \(landlordOpenness?.rawValue ?? "unknown")",
            p.preferred.isEmpty ? "no preferences" : (values[4] == 1 ? "in a preferred municipality" : "not in a preferred municipality"),
            "listed \(r.ageDays) days ago (0 after \(rules.market.staleDays) days)",
        ]
        for (i, id) in Self.componentIDs.enumerated() {
            components.append(.init(id: id, value: values[i], weight: weights[i], contribution: values[i] * weights[i], detail: texts[i]))
        }
        let score = components.reduce(0) { $0 + $1.contribution }
        let heating = book.heating(on: date)
        return MatchExplanation(
            date: date, checks: checks, components: components, score: score, urgency: p.urgency,
            priority: priority(score: score, urgency: p.urgency), urgencyDetail: p.urgencyDetail, cost: judgement,
            overLimitWithinTolerance: limit.map { r.gross > $0 } ?? false,
            trips: trips,
            rulesVersion: "cost limits valid from \(context.table.validFrom.iso) (\(context.table.file))" + (heating.map { "; heating valid from \($0.validFrom.iso) (\($0.file))" } ?? ""),
            weightsVersion: "\(rules.version) (\(rules.file))")
    }
}
