import HousingDomain

/// The global assignment over all feasible pairs, solved on a few candidates per household and
/// proven optimal by its dual prices (column generation).
///
/// Each household brings a *reservoir*: its best pairs by score from the scoring kernel, with an upper
/// bound on the weight of every pair outside it. The solver starts on the first `initialPairs` of each
/// reservoir. After each solve, with row potentials `u` and prices `p`, every reservoir pair not yet
/// in the table whose weight beats `u + p` (a pair that could improve the assignment) is a candidate;
/// the best `addedPairs` of them per household (by `w − p`) join the table and it is solved again,
/// warm, from the previous state (the table only gains pairs, so its prices stay a valid start; on a
/// contested state-scale market this is several times faster than solving from scratch, however many
/// rows changed). When no reservoir pair beats `u + p`, pairs outside the reservoirs are covered if
/// `u` is at least the reservoir's bound (prices are never negative). The households for which it is
/// not are *priced* by the kernel: one pass over them, skipping blocks whose score bound cannot beat
/// `u`, collects every pair that beats `u + p` (the best `rescanPairs` by how much: they join the
/// table) and the household's best pairs down to a little below `u` (they deepen the reservoir and
/// lower its bound, so that a small change of `u` later does not need another pass), and leaves a
/// certificate that spares it later passes where prices did not fall (`Certificates`). When a pass finds
/// no pair beating `u + p`, `u + p ≥ w` holds for every feasible pair and LP duality proves the
/// assignment optimal over all of them. Ranking what a pass brings by `w − p` rather than by score
/// matters on a contested market: there a household's best flats by score are all taken at high
/// prices, and what it lacks is its best *free* ones, deep in its list.
///
/// On a contested market a household's best pairs by score are mostly flats everybody wants: the
/// first table also holds its *spare* pairs, its best pairs among the flats that are not popular
/// (those among the best of a sample of the households, found by a kernel pass over the sample before
/// the main one, which collects both lists at once). They give the first solves the alternatives the
/// optimum needs (at state scale 3.4 % more total, 1,900 more households with a flat, than
/// the reservoirs' best pairs alone); the proof does not depend on them.
///
/// The work is bounded (`Effort`): on a large contested market (tens of thousands of households
/// wanting the same flats) proving the optimum takes several kernel passes over most households. When
/// the bound is reached the assignment is the best over the pairs in the table, and the same duals,
/// raised where a pair outside the table beats them, give an upper bound on the best total over all
/// feasible pairs: the result says how far from the optimum it can be at most (`upperBound − total`;
/// 0 when proven). Households the table left without a flat are then housed by an exact solve over
/// their best free flats (`completed`). At state scale the proof takes 289 s (nine passes, 39 solves);
/// the bounded run stops after the first table and comes within 0.6 % of that optimum.
struct CandidateAssignment {
    typealias Pair = (score: Double, listing: Int32)

    let engine: MatchingEngine
    let kernel: ScoringKernel
    let householdCount: Int
    let listingCount: Int
    /// Per household (by position in `kernel.households.active`): feasible pairs in all.
    let feasible: [Int32]
    let effort: Effort

    /// How much work proving the optimum may take: solves, kernel rescans, and the share of all
    /// feasible pairs the rescans may visit together (counted as the feasible pairs of the households
    /// rescanned, before each rescan). Deterministic: counts, not time.
    struct Effort: Sendable {
        var solves: Int
        var rescans: Int
        var rescanShare: Double = .infinity
        /// A rescan of most households costs about as much as the first kernel pass: on a contested
        /// market with most households short of pairs it is left out, and the bound is reported.
        static let standard = Effort(solves: 64, rescans: 4, rescanShare: 0.5)
        static let unlimited = Effort(solves: .max, rescans: .max)
    }

    /// Pairs per household in the first solve (besides the spare ones). Only the speed depends on it:
    /// at state scale 16 solves in 23 s what 32 solve in 33 s, to the same optimum over the reservoirs.
    static let initialPairs = 16
    /// Spare pairs per household, per pair of its reservoir: its best pairs among the flats that are
    /// not popular, in the first table besides its best `initialPairs` (16 for a reservoir of 128;
    /// 32 gain another 1.5 % at state scale, but the assignment takes 30 s instead of 23).
    static let spareShare = 0.125
    static func spareCandidates(reservoir: Int) -> Int { Int(Double(reservoir) * spareShare) }
    /// Every this many households (by position) are a sample whose best flats count as popular.
    static let popularSampleStride = 8

    /// The flats among the best `keep` of a sample of the households (every `popularSampleStride`-th):
    /// on a contested market the flats most households compete for, so that each household's best
    /// flats outside them (`spareCandidates`) are the ones it is likely to get.
    /// Nothing is popular when there are no spare pairs to collect (`spare` 0).
    static func popularListings(kernel: ScoringKernel, keep: Int, spare: Int, listingCount: Int) throws -> Column<Bool> {
        let popular = Column(repeating: false, count: listingCount)
        guard spare > 0 else { return popular }
        let sample = stride(from: 0, to: kernel.households.active.count, by: popularSampleStride).map(Int32.init)
        var slot = [Int32](repeating: -1, count: kernel.households.active.count)
        for (i, a) in sample.enumerated() { slot[Int(a)] = Int32(i) }
        let (slots, none) = (Column(slot), Column(repeating: false, count: listingCount))
        let collectors = (0..<ScoringKernel.workerCount).map { _ in
            FreeCollector(slot: slots, taken: none, lists: TopLists(k: keep, households: sample.count))
        }
        _ = kernel.scan(subset: sample, sinks: collectors)
        let lists = try sample.indices.map { $0 }.parallelMap { i in MatchingEngine.bestFirst(collectors.flatMap { $0.lists.entries(i) }, keep: keep) }
        for list in lists { for c in list { popular[Int(c.listing)] = true } }
        return popular
    }

    /// Pairs per household added after a solve, at most.
    /// A solve starts from the previous one when at most one row in this many changed.
    static let addedPairs = 16
    /// A rescan fetches a household's best pairs down to this much (in solver weight units, 2 % of a
    /// full score) below its row potential, so that the potential may drop a little later without
    /// sending the household back again.
    static let rescanMargin: Int64 = 20_000_000
    /// Such pairs a rescan fetches per household at most.
    static let rescanCandidates = 256
    /// Pairs beating `u + p` a rescan fetches per household at most (the best by how much).
    static let rescanPairs = 32

    struct Result {
        var assignment: Assignment
        /// Each household's reservoir at the end, best first (it starts with the household's top k).
        var reservoirs: [[Pair]]
        var solves: Int
        var rescans: Int
        var tablePairs: Int
        /// Proven optimal over all feasible pairs.
        var proven: Bool
        /// An upper bound on the best total over all feasible pairs, in solver weight units (equal
        /// to the assignment's total when proven).
        var upperBound: Int64
        /// Households a certificate spared a rescan, and households rescanned only in some blocks
        /// (summed over the rounds; see `Certificates`).
        var spared = 0
        var restricted = 0
        /// When not proven: the table's assignment before `completed` housed whom it could.
        var tableAssignment: [Int32]?
    }

    /// Solves from the kernel's reservoirs (best first) and their bounds (−1: the reservoir holds every
    /// feasible pair of the household).
    /// `spares` (per household, pairs outside its reservoir) join the reservoir and the first table.
    func solve(reservoirs initial: [[Pair]], bounds initialBounds: [Int64], spares: [[Pair]] = []) throws -> Result {
        let active = kernel.households.active
        let urgency = kernel.households.urgency
        var reservoirs = initial
        var bounds = initialBounds
        // Which reservoir entries are in the solver's table.
        var inTable: [[Bool]] = reservoirs.map { list in list.indices.map { $0 < Self.initialPairs } }
        for (a, extra) in spares.enumerated() where !extra.isEmpty {
            reservoirs[a] += extra  // all below the reservoir's last pair: still best first
            inTable[a] += extra.map { _ in true }
        }
        var assignment = Assignment(columnForRow: [], total: 0, scaledTotal: 0, rowPotentials: [], columnPrices: [])
        var changedRows: [Int] = []
        var needSolve = true
        var solves = 0
        var rescans = 0
        var rescanWork = 0
        let totalFeasible = feasible.reduce(0) { $0 + Int($1) }
        var tablePairs = 0
        var proven = false
        // Per household after the last pricing: how much its best reservoir pair outside the table
        // beats u + p (0 if none does).
        var gains = [Int64](repeating: 0, count: active.count)
        var certificates = Certificates(households: active.count)
        var (spared, restricted) = (0, 0)
        var tableAssignment: [Int32]?
        while true {
            if needSolve {
                // Warm from the previous solve: only the rows in `changedRows` gained pairs.
                if solves >= effort.solves { break }
                let table = try self.table(reservoirs, inTable)
                tablePairs = table.edgeCount
                assignment = solves > 0 ? AssignmentSolver.maximize(table, from: assignment, changedRows: changedRows) : AssignmentSolver.maximize(table)
                solves += 1
                needSolve = false
            }
            // Pricing: reservoir pairs outside the table that beat u + p, the best few per household.
            let prices = assignment.columnPrices
            let potentials = assignment.rowPotentials
            let (current, marked) = (reservoirs, inTable)
            let priced: [(picks: [Int], gain: Int64)] = try (0..<active.count).map { $0 }.parallelMap { a in
                let u = potentials[Int(active[a])]
                var better: [(gain: Int64, index: Int)] = []
                for (i, c) in current[a].enumerated() where !marked[a][i] {
                    let gain = engine.weight(score: c.score, urgency: urgency[a]) - prices[Int(c.listing)] - u
                    if gain > 0 { better.append((gain, i)) }
                }
                guard !better.isEmpty else { return ([], 0) }
                let sorted = better.sorted { $0.gain != $1.gain ? $0.gain > $1.gain : $0.index < $1.index }
                return (sorted.prefix(Self.addedPairs).map(\.index), sorted[0].gain)
            }
            gains = priced.map(\.gain)
            changedRows = []
            for (a, p) in priced.enumerated() where !p.picks.isEmpty {
                for i in p.picks { inTable[a][i] = true }
                changedRows.append(Int(active[a]))
            }
            if !changedRows.isEmpty {
                needSolve = true
                continue
            }
            // Pairs outside the reservoirs: covered where u reaches the bound (prices are never
            // negative); the kernel prices the others' pairs.
            let drops = certificates.drops(since: kernel.blocks, prices: prices)
            let short = (0..<active.count).filter { bounds[$0] >= 0 && potentials[Int(active[$0])] < bounds[$0] }
            let uncovered = short.filter { !certificates.covers($0, u: potentials[Int(active[$0])], drops: drops) }
            spared += short.count - uncovered.count
            restricted += uncovered.filter { certificates.round[$0] >= 0 }.count
            guard !uncovered.isEmpty else {
                proven = true
                break
            }
            let work = uncovered.reduce(0) { $0 + Int(feasible[$1]) }
            guard rescans < effort.rescans, Double(rescanWork + work) <= effort.rescanShare * Double(totalFeasible) else { break }
            rescans += 1
            rescanWork += work
            let found = rescan(uncovered, potentials: potentials, prices: prices, certificates: certificates, drops: drops)
            // None beats u + p: with the reservoirs' pairs (priced above) every feasible pair is covered.
            guard found.contains(where: { !$0.better.isEmpty }) else {
                proven = true
                break
            }
            certificates.rounds.append(prices)
            for (i, a) in uncovered.enumerated() {
                let f = found[i]
                let u = potentials[Int(active[a])]
                // The pairs beating u + p by most join the table: no other beats it by more than the
                // least of them (nothing, when all joined).
                certificates.issue(a, u: u + (f.beating > f.better.count ? f.leastGain : 0))
                // The reservoir grows by the pairs found; pairs outside it weigh at most the old bound,
                // and at most the minimum (or the last deep pair) of this rescan.
                var known = Set(reservoirs[a].map(\.listing))
                let new = (f.deep + f.better).filter { known.insert($0.listing).inserted }
                // (The deep list of a household scanned only where its certificate did not cover bounds nothing.)
                if !f.restricted {
                    let limit = f.complete ? f.minimum : f.deep.last.map { engine.weight(score: $0.score, urgency: urgency[a]) } ?? bounds[a]
                    bounds[a] = min(bounds[a], limit)
                }
                guard !new.isEmpty else { continue }
                // The table keeps its pairs (the warm start needs that) and takes the better ones.
                let table = Set(zip(reservoirs[a], inTable[a]).filter(\.1).map(\.0.listing)).union(f.better.map(\.listing))
                reservoirs[a] = MatchingEngine.bestFirst(reservoirs[a] + new, keep: .max)
                inTable[a] = reservoirs[a].map { table.contains($0.listing) }
                if !f.better.isEmpty { changedRows.append(Int(active[a])) }
                // For the bound, should the work end before the next solve.
                for c in f.better { gains[a] = max(gains[a], engine.weight(score: c.score, urgency: urgency[a]) - prices[Int(c.listing)] - u) }
            }
            needSolve = true
        }
        // The duals, raised per household to cover every pair the table lacks, bound any assignment.
        var upperBound = assignment.columnPrices.reduce(0, +) + assignment.rowPotentials.reduce(0, +)
        if !proven {
            let drops = certificates.drops(since: kernel.blocks, prices: assignment.columnPrices)
            for a in 0..<active.count {
                let u = assignment.rowPotentials[Int(active[a])]
                upperBound += max(0, gains[a], min(bounds[a] - u, certificates.excess(a, u: u, drops: drops)))
            }
            tableAssignment = assignment.columnForRow
            assignment = try completed(assignment, reservoirs: &reservoirs)
        }
        return Result(
            assignment: assignment, reservoirs: reservoirs, solves: solves, rescans: rescans, tablePairs: tablePairs, proven: proven,
            upperBound: proven ? assignment.scaledTotal : upperBound, spared: spared, restricted: restricted, tableAssignment: tableAssignment)
    }

    /// What a rescan found for one household: the pairs beating `u + p` (best gain first), and its
    /// best pairs by score above `minimum` (best first), all of them when `complete`.
    struct Found {
        var better: [Pair]
        var deep: [Pair]
        var complete: Bool
        var minimum: Int64
        /// Pairs that beat `u + p` (`better` holds the best `rescanPairs` of them, the last by `leastGain`).
        var beating: Int
        var leastGain: Int64
        /// Only the blocks the household's certificate did not cover were scanned.
        var restricted: Bool
    }

    /// What rescans proved: after a rescan at duals `u`, `p`, every pair of the household outside the
    /// table has `w ≤ c + p` with `c = u` (plus the least gain among the pairs it brought, when it
    /// could not bring all that beat `u + p`), for good: `w` does not change. With later duals `u'`,
    /// `p'` such a pair can beat them only on a flat whose price fell by more than `u' − c`: a
    /// household is covered where no price fell that much, and else rescanned only in the blocks
    /// where one did, and there only on such flats (scoring a pair costs more than the check). On a
    /// contested market this spares the passes that otherwise find the same pairs again.
    struct Certificates {
        /// Prices at each rescan (the round of a certificate is its index).
        var rounds: [[Int64]] = []
        /// Per household: the round of its certificate (−1: none) and its `c`.
        var round: [Int]
        var potential: [Int64]

        init(households: Int) {
            round = [Int](repeating: -1, count: households)
            potential = [Int64](repeating: 0, count: households)
        }

        /// Per round: per listing slot of the kernel's blocks how much its price fell since, per
        /// block the most (round-major, as the kernel's sink reads them), and the most of all.
        struct Drops {
            var perSlot: Column<Int64>
            var perBlock: Column<Int64>
            var most: [Int64]
        }

        func drops(since blocks: ListingBlocks, prices: [Int64]) -> Drops {
            let (slots, blockCount) = (blocks.listing.count, blocks.blocks.count)
            let perSlot = Column(repeating: Int64.min, count: rounds.count * slots)
            let perBlock = Column(repeating: Int64.min, count: rounds.count * blockCount)
            var most = [Int64](repeating: .min, count: rounds.count)
            for (r, then) in rounds.enumerated() {
                for (b, block) in blocks.blocks.enumerated() {
                    for s in block.start..<block.end {
                        let l = Int(blocks.listing[s])
                        let drop = then[l] - prices[l]
                        perSlot[r * slots + s] = drop
                        perBlock[r * blockCount + b] = max(perBlock[r * blockCount + b], drop)
                    }
                    most[r] = max(most[r], perBlock[r * blockCount + b])
                }
            }
            return Drops(perSlot: perSlot, perBlock: perBlock, most: most)
        }

        mutating func issue(_ a: Int, u: Int64) {
            round[a] = rounds.count - 1
            potential[a] = u
        }

        /// No pair of household `a` outside its reservoir can beat `u + p`.
        func covers(_ a: Int, u: Int64, drops: Drops) -> Bool { excess(a, u: u, drops: drops) <= 0 }

        /// How much a pair of household `a` outside its reservoir can beat `u + p` at most (`.max` without
        /// a certificate).
        func excess(_ a: Int, u: Int64, drops: Drops) -> Int64 {
            guard round[a] >= 0 else { return .max }
            let most = drops.most[round[a]]
            return most == .min ? 0 : most - (u - potential[a])
        }
    }

    /// One kernel pass over households `uncovered` (positions in `active`), skipping blocks whose
    /// score bound cannot weigh more than `u − rescanMargin`: per household the pairs that beat
    /// `u + p` (the best `rescanPairs` by how much; none proves every pair of it covered by these
    /// duals), and its best `rescanCandidates` pairs weighing more than `u − rescanMargin`.
    func rescan(_ uncovered: [Int], potentials: [Int64], prices: [Int64], certificates: Certificates, drops: Certificates.Drops) -> [Found] {
        let active = kernel.households.active
        var slot = [Int32](repeating: -1, count: active.count)
        for (i, a) in uncovered.enumerated() { slot[a] = Int32(i) }
        let u = uncovered.map { potentials[Int(active[$0])] }
        let minimum = u.map { max(0, $0 - Self.rescanMargin) }
        let (slots, potential, floor, price) = (Column(slot), Column(u), Column(minimum), Column(prices))
        let round = Column(uncovered.map { Int32(certificates.round[$0]) })
        let risen = Column(uncovered.indices.map { i in certificates.round[uncovered[i]] >= 0 ? u[i] - certificates.potential[uncovered[i]] : Int64.min })
        let collectors = (0..<ScoringKernel.workerCount).map { _ in
            RescanCollector(
                weigher: engine.weigher, urgency: kernel.households.urgency, slot: slots, potential: potential, minimum: floor, price: price,
                risen: risen, round: round, drops: drops.perBlock, blockCount: kernel.blocks.blocks.count, slotDrops: drops.perSlot,
                slotCount: kernel.blocks.listing.count, keep: Self.rescanPairs,
                deep: Self.rescanCandidates)
        }
        _ = kernel.scan(subset: uncovered.map(Int32.init), sinks: collectors)
        return uncovered.indices.map { i in
            let all: [(gain: Int64, score: Double, listing: Int32)] = collectors.flatMap { $0.entries(i) }
            let sorted = all.sorted { $0.gain != $1.gain ? $0.gain > $1.gain : $0.listing < $1.listing }
            let deep = MatchingEngine.bestFirst(collectors.flatMap { $0.deep.entries(i) }, keep: Self.rescanCandidates)
            return Found(
                better: sorted.prefix(Self.rescanPairs).map { Pair(score: $0.score, listing: $0.listing) }, deep: deep,
                complete: deep.count < Self.rescanCandidates, minimum: minimum[i],
                beating: collectors.reduce(0) { $0 + Int($1.beating[i]) }, leastGain: sorted.prefix(Self.rescanPairs).last?.gain ?? 0,
                restricted: certificates.round[uncovered[i]] >= 0)
        }
    }

    /// When the optimum is not proven, households the table left without a flat may still have free
    /// flats (the table held only a few pairs each, all taken; on a contested market their best free
    /// flats are deep in their lists): a kernel pass over them collects each one's best
    /// `completionCandidates` flats nobody has, and the exact solver assigns those among them. The
    /// bound above still holds (it bounds every assignment); only the total grows. A flat so assigned
    /// joins the household's reservoir (the run reports each household's assigned pair from it).
    ///
    /// At state scale 8,500 households end the table without a flat; their best free flats are
    /// mostly the same few, so giving each its best free one in turn (as this step first did) housed
    /// a fifth of them per pass and left 3,651 without a flat after three passes. A solve over their
    /// best 256 free flats each houses 7,838 of the 8,534, a second pass the other 696 (with 64
    /// each, 4,413 at the first pass and 453 still without a flat after three).
    func completed(_ assignment: Assignment, reservoirs: inout [[Pair]]) throws -> Assignment {
        let active = kernel.households.active
        let urgency = kernel.households.urgency
        var columnForRow = assignment.columnForRow
        var taken = [Bool](repeating: false, count: listingCount)
        for column in columnForRow where column >= 0 { taken[Int(column)] = true }
        var total = assignment.total
        var scaledTotal = assignment.scaledTotal
        for _ in 0..<Self.completionRounds {
            let open = (0..<active.count).filter { columnForRow[Int(active[$0])] < 0 && feasible[$0] > 0 }
            guard !open.isEmpty else { break }
            var slot = [Int32](repeating: -1, count: active.count)
            for (i, a) in open.enumerated() { slot[a] = Int32(i) }
            let (free, slots) = (Column(taken), Column(slot))
            let collectors = (0..<ScoringKernel.workerCount).map { _ in
                FreeCollector(slot: slots, taken: free, lists: TopLists(k: Self.completionCandidates, households: open.count))
            }
            _ = kernel.scan(subset: open.map(Int32.init), sinks: collectors)
            let found = open.indices.map { i in MatchingEngine.bestFirst(collectors.flatMap { $0.lists.entries(i) }, keep: Self.completionCandidates) }
            // Columns are the candidate flats only, numbered in order of first appearance, and the
            // solver starts from ε-scaled prices: the households all want the same free flats (at
            // state scale 8,534 households over 19,194 flats), the case those prices are for. The
            // solve took 5.8 s over all 500,000 columns with exact bidding, 2.6 s so.
            var rowStart = [0]
            var columns: [Int32] = []
            var weights: [Double] = []
            var column = [Int32: Int32]()
            var flats: [Int32] = []
            for (i, a) in open.enumerated() {
                for c in found[i] {
                    let next = Int32(flats.count)
                    let index = column[c.listing, default: next]
                    if index == next {
                        column[c.listing] = next
                        flats.append(c.listing)
                    }
                    columns.append(index)
                    weights.append(engine.tableScore(score: c.score, urgency: urgency[a]))
                }
                rowStart.append(columns.count)
            }
            let placement = AssignmentSolver.maximize(
                try SparseScores(rowCount: open.count, columnCount: flats.count, rowStart: rowStart, columns: columns, scores: weights),
                reductionWorkLimit: nil, scaling: .always)
            var placed = 0
            for (i, a) in open.enumerated() where placement.columnForRow[i] >= 0 {
                let listing = flats[Int(placement.columnForRow[i])]
                guard let k = found[i].firstIndex(where: { $0.listing == listing }) else { continue }
                let (c, weight) = (found[i][k], weights[rowStart[i] + k])
                columnForRow[Int(active[a])] = listing
                taken[Int(listing)] = true
                total += weight
                scaledTotal += AssignmentSolver.scaledScore(weight)
                placed += 1
                if !reservoirs[a].contains(where: { $0.listing == listing }) { reservoirs[a] = MatchingEngine.bestFirst(reservoirs[a] + [c], keep: .max) }
            }
            guard placed > 0 else { break }
        }
        return Assignment(
            columnForRow: columnForRow, total: total, scaledTotal: scaledTotal, rowPotentials: assignment.rowPotentials,
            columnPrices: assignment.columnPrices)
    }

    /// Kernel passes that look for free flats for households left without one (a household whose
    /// free flats all went to others in one pass may find more in the next).
    static let completionRounds = 3
    /// Free flats per household the completion's solve chooses among.
    static let completionCandidates = 256

    /// The solver's table: the marked reservoir pairs of every household, weighted by priority.
    func table(_ reservoirs: [[Pair]], _ inTable: [[Bool]]) throws -> SparseScores {
        let active = kernel.households.active
        var rowStart = [0]
        var columns: [Int32] = []
        var weights: [Double] = []
        var position = 0
        for hi in 0..<householdCount {
            if position < active.count, Int(active[position]) == hi {
                let urgency = kernel.households.urgency[position]
                for (i, c) in reservoirs[position].enumerated() where inTable[position][i] {
                    columns.append(c.listing)
                    weights.append(engine.tableScore(score: c.score, urgency: urgency))
                }
                position += 1
            }
            rowStart.append(columns.count)
        }
        return try SparseScores(rowCount: householdCount, columnCount: listingCount, rowStart: rowStart, columns: columns, scores: weights)
    }
}
