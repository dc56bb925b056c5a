import HousingDomain
import RuleBook

extension MatchingEngine {
    /// Candidates per household handed to the assignment at first (at least the suggestions kept).
    /// More are fetched for a household only when the assignment's dual prices say a pair left out
    /// might improve it; 32 makes that rare on the benchmark markets.
    static let defaultAssignmentCandidates = 32

    /// A rescan fetches a household's pairs down to this much (in solver weight units, 2 % of a full
    /// score) below its row potential, so that the potential may drop a little in the next solve
    /// without sending the household back again.
    static let rescanMargin: Int64 = 20_000_000

    /// Pairs a rescan fetches per household at most in its first round (doubling each round).
    static let rescanCandidates = 256

    /// Scores every household against the listings in its cost band, keeps the top k and assigns.
    ///
    /// The assignment is optimal over *all* feasible pairs, not just the candidates it was given:
    /// every pair left out of a household's candidates scores at most as well as the household's
    /// worst candidate, so when the solver's row potential `u` of the household is at least that
    /// candidate's weight, dual feasibility `u + p ≥ w` holds for every left-out pair (prices `p` are
    /// never negative) and LP duality proves the assignment optimal. A household for which this
    /// fails is scanned again for every pair heavier than its `u` (less `rescanMargin`), and the
    /// assignment solved again, until it holds.
    public func run(households: [HouseholdProfile], listings: [Listing], landlords: [Landlord.ID: Landlord.Openness], on date: CalendarDate) throws -> Outcome {
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

        let sinks = (0..<ScoringKernel.workerCount).map { _ in TopLists(k: keep, households: active.count) }
        let counts = kernel.scan(subset: (0..<active.count).map(Int32.init), sinks: sinks)
        let scored = clock.now

        // Each household's best candidates over all workers, best first.
        var lists: [[(score: Double, listing: Int32)]] = try (0..<active.count).map { $0 }.parallelMap { a in
            Self.bestFirst(sinks.flatMap { $0.entries(a) }, keep: keep)
        }
        // An upper bound on the scaled weight of any pair left out (−1: none left out).
        var prunedBound: [Int64] = (0..<active.count).map { a in
            guard let last = lists[a].last, Int(counts.feasible[a]) > lists[a].count else { return -1 }
            return weight(score: last.score, urgency: thresholds.urgency[a])
        }
        var rounds = 0
        var assignment: Assignment
        var pairs = 0
        while true {
            rounds += 1
            var rowStart = [0]
            var columns: [Int32] = []
            var weights: [Double] = []
            var position = 0
            for hi in households.indices {
                if position < active.count, Int(active[position]) == hi {
                    for c in lists[position] {
                        columns.append(c.listing)
                        weights.append(min(1, max(0, priority(score: c.score, urgency: thresholds.urgency[position]))))
                    }
                    position += 1
                }
                rowStart.append(columns.count)
            }
            pairs = columns.count
            let matrix = try SparseScores(rowCount: households.count, columnCount: listings.count, rowStart: rowStart, columns: columns, scores: weights)
            assignment = AssignmentSolver.maximize(matrix)
            // Households whose potential does not cover their left-out pairs, with the weight down
            // to which their pairs are fetched again.
            var violated: [(a: Int, minimum: Int64)] = []
            for a in 0..<active.count where prunedBound[a] >= 0 {
                let u = assignment.rowPotentials[Int(active[a])]
                if u < prunedBound[a] { violated.append((a, max(0, u - Self.rescanMargin))) }
            }
            guard !violated.isEmpty else { break }
            // At most `keep` pairs each, more than any of them has (so a rescan that adds nothing has
            // found every pair above the minimum), doubling every round; a household that fills them
            // keeps its worst as the bound and may come back.
            let keep = max(Self.rescanCandidates << (rounds - 1), 2 * (violated.map { lists[$0.a].count }.max() ?? 0))
            var slot = [Int32](repeating: -1, count: active.count)
            for (i, v) in violated.enumerated() { slot[v.a] = Int32(i) }
            let slots = Column(slot)
            let minimum = Column(violated.map(\.minimum))
            let collectors = (0..<ScoringKernel.workerCount).map { _ in
                ThresholdCollector(engine: self, urgency: thresholds.urgency, slot: slots, minimum: minimum, keep: keep)
            }
            _ = kernel.scan(subset: violated.map { Int32($0.a) }, sinks: collectors)
            var grew = false
            for (i, v) in violated.enumerated() {
                let found = Self.bestFirst(collectors.flatMap { $0.lists.entries(i) }, keep: keep)
                if found.count > lists[v.a].count {
                    lists[v.a] = found
                    grew = true
                }
                if lists[v.a].count == Int(counts.feasible[v.a]) {
                    prunedBound[v.a] = -1
                } else if found.count == keep, let last = found.last {
                    prunedBound[v.a] = weight(score: last.score, urgency: thresholds.urgency[v.a])
                } else {
                    prunedBound[v.a] = v.minimum
                }
            }
            // Nothing new: each rescan found all its pairs above the minimum (fewer than `keep`) and
            // had them already, so every pair left out weighs at most the household's u.
            guard grew else { break }
        }
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
        for (hi, column) in assignment.columnForRow.enumerated() where column >= 0 {
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
            results: results, pairsConsidered: thresholds.pairsInCostBands(blocks), pairsScored: counts.scored,
            feasiblePairs: counts.feasible.reduce(0) { $0 + Int($1) }, assignedCount: assignedCount, totalPriority: total,
            seconds: Timings(preparation: seconds(prepared - start), scoring: seconds(scored - prepared), assignment: seconds(assigned - scored)),
            assignmentPairs: pairs, assignmentRounds: rounds,
            explainer: RunExplainer(engine: self, context: context, plans: plans, households: households, listings: listings, landlords: landlords))
    }

    /// The solver's integer weight of a pair.
    func weight(score: Double, urgency: Double) -> Int64 {
        AssignmentSolver.scaledScore(min(1, max(0, priority(score: score, urgency: urgency))))
    }

    /// Best first: higher score, then lower listing index; at most `keep`.
    static func bestFirst(_ entries: [(score: Double, listing: Int32)], keep: Int) -> [(score: Double, listing: Int32)] {
        let sorted = entries.sorted { $0.score != $1.score ? $0.score > $1.score : $0.listing < $1.listing }
        return sorted.count > keep ? Array(sorted.prefix(keep)) : sorted
    }
}
