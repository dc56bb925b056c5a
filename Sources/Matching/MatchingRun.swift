import HousingDomain
import RuleBook

extension MatchingEngine {
    /// Pairs per household the scoring kernel keeps (at least the suggestions kept): the reservoir the
    /// assignment draws its candidates from (`CandidateAssignment`).
    static let defaultAssignmentCandidates = 128

    /// Scores every household against the listings in its cost band, keeps the top k and assigns.
    ///
    /// The assignment is optimal over *all* feasible pairs, not just the candidates the solver saw:
    /// its dual prices prove it (see `CandidateAssignment`) — unless the work bound is reached first
    /// (`Outcome.assignmentProven`, `assignmentGap`).
    ///
    /// `whileAssigning`, when given, is called once the scores are in and before the assignment
    /// starts, with each household's best k: they do not change with the assignment, so a caller can
    /// explain them on the core the assignment leaves free. It must return at once.
    public func run(
        households: [HouseholdProfile], listings: [Listing], landlords: [Landlord.ID: Landlord.Openness], on date: CalendarDate,
        whileAssigning: (@Sendable (Preview) -> Void)? = nil
    ) throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let context = try ruleContext(on: date)
        let plans: [Plan?] = try households.parallelMap { $0.members.isEmpty ? nil : self.plan($0, context: context) }
        let blocks = ListingBlocks(listings: listings, landlords: landlords, engine: self, context: context)
        let thresholds = HouseholdThresholds(plans: plans, blocks: blocks, engine: self, context: context)
        let kernel = ScoringKernel(engine: self, blocks: blocks, households: thresholds)
        let active = thresholds.active
        let k = rules.suggestionsPerHousehold
        let keep = max(k, assignmentCandidates)
        let prepared = clock.now

        let spare = CandidateAssignment.spareCandidates(reservoir: keep)
        let popular = try CandidateAssignment.popularListings(kernel: kernel, keep: keep, spare: spare, listingCount: listings.count)
        let sinks = (0..<ScoringKernel.workerCount).map { _ in ReservoirLists(k: keep, spare: spare, households: active.count, popular: popular) }
        let counts = kernel.scan(subset: (0..<active.count).map(Int32.init), sinks: sinks, counting: true)
        let scored = clock.now

        // Each household's best pairs over all workers, best first, and a bound on the weight of the rest;
        // and its best pairs among the less popular flats that are not among those.
        let reservoirs: [[CandidateAssignment.Pair]] = try (0..<active.count).map { $0 }.parallelMap { a in
            Self.bestFirst(sinks.flatMap { $0.top.entries(a) }, keep: keep)
        }
        let spares: [[CandidateAssignment.Pair]] = try (0..<active.count).map { $0 }.parallelMap { a in
            guard spare > 0 else { return [] }
            let known = Set(reservoirs[a].map(\.listing))
            return Self.bestFirst(sinks.flatMap { $0.spare.entries(a) }, keep: spare).filter { !known.contains($0.listing) }
        }
        let bounds: [Int64] = (0..<active.count).map { a in
            guard let last = reservoirs[a].last, Int(counts.feasible[a]) > reservoirs[a].count else { return -1 }
            return weight(score: last.score, urgency: thresholds.urgency[a])
        }
        let explainer = RunExplainer(engine: self, context: context, plans: plans, households: households, listings: listings, landlords: landlords)
        whileAssigning?(Preview(
            top: active.indices.map { a in (household: Int(active[a]), listings: reservoirs[a].prefix(k).map { Int($0.listing) }) },
            explainer: explainer))
        let solved = try CandidateAssignment(
            engine: self, kernel: kernel, householdCount: households.count, listingCount: listings.count, feasible: counts.feasible,
            effort: assignmentEffort
        ).solve(reservoirs: reservoirs, bounds: bounds, spares: spares)
        let lists = solved.reservoirs
        let assignment = solved.assignment.columnForRow
        let assigned = clock.now

        var results = households.indices.map {
            HouseholdResult(household: $0, top: [], feasibleCount: 0, assigned: nil, skippedBecause: "no members recorded")
        }
        var positionOf = [Int](repeating: -1, count: households.count)
        for (a, hi) in active.enumerated() {
            positionOf[Int(hi)] = a
            let urgency = thresholds.urgency[a]
            results[Int(hi)] = HouseholdResult(
                household: Int(hi), top: lists[a].prefix(k).map { Candidate(listing: Int($0.listing), score: $0.score, priority: priority(score: $0.score, urgency: urgency)) },
                feasibleCount: Int(counts.feasible[a]), assigned: nil, skippedBecause: nil)
        }
        var assignedCount = 0
        var total = 0.0
        for (hi, column) in assignment.enumerated() where column >= 0 {
            let a = positionOf[hi]
            let li = Int(column)
            results[hi].assigned = li
            assignedCount += 1
            if !results[hi].top.contains(where: { $0.listing == li }), let c = lists[a].first(where: { $0.listing == column }) {
                // The assigned flat ranks below this household's top k: keep it as well.
                results[hi].top.append(Candidate(listing: li, score: c.score, priority: priority(score: c.score, urgency: thresholds.urgency[a])))
            }
            if let c = results[hi].top.first(where: { $0.listing == li }) { total += c.priority }
        }
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        return Outcome(
            results: results, pairsConsidered: thresholds.pairsInCostBands(blocks), pairsScored: counts.scored, pairsOnlyFiltered: counts.filtered,
            feasiblePairs: counts.feasible.reduce(0) { $0 + Int($1) }, assignedCount: assignedCount, totalPriority: total,
            seconds: Timings(preparation: seconds(prepared - start), scoring: seconds(scored - prepared), assignment: seconds(assigned - scored)),
            assignmentPairs: solved.tablePairs, assignmentRounds: solved.solves, assignmentProven: solved.proven,
            assignmentGap: Double(solved.upperBound - solved.assignment.scaledTotal) / AssignmentSolver.scoreScale,
            explainer: explainer, certificates: (solved.spared, solved.restricted), tableAssignment: solved.tableAssignment)
    }

    /// A run's best candidates before the assignment, and how to explain them.
    public struct Preview: Sendable {
        /// Per household that was scored (index into the run's households): its best k listing
        /// indices, best first — the start of `HouseholdResult.top`.
        public let top: [(household: Int, listings: [Int])]
        let explainer: RunExplainer

        /// As `Outcome.explanationFacts`.
        public func explanationFacts(household: Int, listing: Int, texts: inout TextTable) -> ExplanationFacts? {
            explainer.facts(household: household, listing: listing, texts: &texts)
        }
    }

    /// The solver's integer weight of a pair.
    func weight(score: Double, urgency: Double) -> Int64 { weigher.weight(score: score, urgency: urgency) }

    /// What the solver's table holds for a pair: its priority, kept within 0…1.
    func tableScore(score: Double, urgency: Double) -> Double { weigher.tableScore(score: score, urgency: urgency) }

    var weigher: Weigher { Weigher(fairness: rules.fairness.weight) }

    /// `weight(score:urgency:)` with the one rule it needs copied out: the kernel's sinks weigh every
    /// pair they are offered, and reaching into the rules for each cost a tenth of a rescan.
    struct Weigher: Sendable {
        let fairness: Double

        @inline(__always)
        func weight(score: Double, urgency: Double) -> Int64 { AssignmentSolver.scaledScore(tableScore(score: score, urgency: urgency)) }

        @inline(__always)
        func tableScore(score: Double, urgency: Double) -> Double {
            min(1, max(0, MatchingRules.priority(score: score, urgency: urgency, fairness: fairness)))
        }
    }

    /// Best first: higher score, then lower listing index; at most `keep`.
    static func bestFirst(_ entries: [(score: Double, listing: Int32)], keep: Int) -> [(score: Double, listing: Int32)] {
        let sorted = entries.sorted { $0.score != $1.score ? $0.score > $1.score : $0.listing < $1.listing }
        return sorted.count > keep ? Array(sorted.prefix(keep)) : sorted
    }
}
