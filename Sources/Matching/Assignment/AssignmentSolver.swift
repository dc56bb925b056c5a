/// Exact, deterministic maximum-weight bipartite assignment on sparse score tables.
///
/// ## Problem
/// Rows (households) and columns (flats) with a score `s_ij ∈ [0, 1]` on the feasible pairs only.
/// Find a matching (every row and every column used at most once) maximising the total score; rows and
/// columns may stay unassigned. Infeasible pairs are never materialised.
///
/// ## Exactness
/// Scores are converted once to integers `w_ij = ⌊s_ij · 10⁹ + ½⌋` (`scaledScore`), and the solver is
/// exact on these integers: ties are decided by integer comparisons and index order only (the lower column
/// wins a tie in every local choice), so the same table always gives the same assignment. Among several
/// optimal assignments, which one is returned is fixed by the data but not otherwise specified. The result is optimal for the scaled scores; for the original
/// `Double` scores it is optimal up to the rounding, i.e. within `rowCount · 5·10⁻¹⁰` of the true optimum.
/// Pairs whose scaled score is 0 contribute nothing and are never assigned.
///
/// ## Algorithm
/// Successive shortest augmenting paths (the method of Jonker–Volgenant and of scipy's
/// `linear_sum_assignment`, Crouse 2016) on the sparse graph. Staying unassigned is modelled by a private
/// dummy column `d_i` per row with weight 0, so the task becomes "assign every row to a real column or to its
/// dummy" with LP dual `min Σu_i + Σp_c` subject to `u_i + p_c ≥ w_ic`, `p_c ≥ 0`.
///
/// 1. *Greedy initialisation*: with all prices 0, every row whose best column is still free takes it.
/// 2. *Augmenting row reduction* (Jonker–Volgenant's ARR, an auction with exact increments): a free row
///    takes its most valuable column and raises its price by the gap to its second best option, displacing
///    the previous holder. Bounded by a work budget of 8 pair visits per pair; this settles most rows of
///    markets where everybody wants the same flats, which is the expensive case for step 3.
/// 3. *Augmentation*: every row still free `r` is inserted by a Dijkstra search over reduced costs
///    `u_i + p_c − w_ic ≥ 0` through the alternating tree (row → column → the column's row → …). The search
///    ends at the cheapest sink: a free real column (everybody on the path shifts and `r` gets a flat) or the
///    dummy of a tree row (that row gives its flat up, everybody before it shifts). Prices of the columns
///    settled before the sink are raised by their distance slack, which keeps reduced costs non-negative
///    and makes the path tight.
///
/// *Price wars.* When flats are scarce (fewer than twice as many columns as rows) and step 2 leaves many
/// rows free, exact bidding and long augmenting paths get slow. The solver then restarts from
/// *approximate prices* of an ε-scaling auction (phase 0, heuristic only), re-inserts all rows exactly
/// (steps 2–3 from those prices) and finally *repairs* columns left free with a positive price: they are
/// inserted, as rows, into the transposed problem with the mirrored duals (the problem is symmetric in
/// rows and columns, so the same code applies). Exactness never depends on phase 0: steps 2–3 and the
/// repair are correct from any non-negative prices.
///
/// Invariant after each step (steps 1 and 2 keep it too): all inserted rows are assigned (to a column or
/// their dummy), the duals are feasible, assigned pairs are tight (`u_i + p_c = w_ic`) and free columns have
/// price 0 (after phase 0: once the repair is done). When all rows are inserted this is complementary
/// slackness, hence the matching is optimal (`Assignment.isOptimal` checks it).
/// A row that moved to its dummy can never be reached again (its dummy has no other edge), so it is final.
///
/// ## Sparse-graph accelerations (all exact)
/// - Each row's pairs are kept as one packed `UInt64` per pair (`w << 32 | ~column`) and sorted by weight
///   descending only *lazily*: a row carries a sorted prefix that is extended (one sampled-threshold
///   partition pass, then a sort of the selected keys) when a scan reaches its end, so most of a dense-ish
///   row is never sorted.
/// - A row scan stops at the first free column of price 0 in weight order (later columns have smaller
///   weight and non-negative price, so their reduced cost can only be higher), and as soon as `w` is too small to beat the best sink found
///   so far (prices are never negative). On correlated instances this cuts a 2,000-pair row to a few dozen.
/// - Search state is reset through a generation stamp and a list of settled columns, never by O(n + m) clears.
///
/// Tables with more rows than columns are solved transposed (the problem is symmetric), so the rows
/// inserted one by one are always the smaller side.
///
/// ## Complexity
/// O(pairs) to pack, O(pairs + rows · log) amortised for the lazy sorting, and per inserted row one
/// Dijkstra search O(E' log E') on the explored part E' of the graph; worst case
/// O(rows · pairs · log pairs) time, O(rows + columns + pairs) memory.
public enum AssignmentSolver {
    /// Factor from scores in `[0, 1]` to the solver's integer weights.
    public static let scoreScale: Double = 1_000_000_000

    /// The integer weight the solver uses for a score in `[0, 1]`: `score · 10⁹` rounded half up.
    @inlinable
    public static func scaledScore(_ score: Double) -> Int64 {
        Int64(score * scoreScale + 0.5)  // truncation of a non-negative value = floor
    }

    /// Maximises the total score over all matchings of `scores`. Deterministic; see the type documentation.
    public static func maximize(_ scores: SparseScores) -> Assignment {
        maximize(scores, reductionWorkLimit: nil)
    }

    /// `maximize` with an explicit budget (pair visits) for the row-reduction phase; `nil` = the default
    /// `8 · (pairs + 8 · rows)`, `0` = pure shortest augmenting paths. The optimum does not depend on it
    /// (tests run all phases this way); which optimal assignment is returned may.
    ///
    /// With more rows than columns (`transposeTallTables`, on by default) the transposed table is solved and
    /// the result mapped back: the algorithm inserts one row at a time, so the smaller side should be the rows.
    /// When the solver switches to ε-scaled prices (phase 0, see the type documentation).
    enum PriceScaling {
        /// Never: greedy, row reduction, shortest paths.
        case never
        /// In a tight market (fewer than twice as many columns as rows) if more than `max(16, rows / 100)`
        /// rows are still free after the row reduction (a price war). Measured: 15× faster on square
        /// instances, but several times slower when columns far outnumber rows (the repair phase then has
        /// many priced columns to re-insert).
        case adaptive
        /// Always (used by tests to exercise the repair phase).
        case always
    }

    static func maximize(
        _ scores: SparseScores, reductionWorkLimit: Int?, transposeTallTables: Bool = true,
        scaling: PriceScaling = .adaptive
    ) -> Assignment {
        let tall = transposeTallTables && scores.rowCount > scores.columnCount
        let oriented = tall ? scores.transposed() : scores
        let solved = solveOriented(oriented, reductionWorkLimit: reductionWorkLimit, scaling: scaling)
        guard tall else {
            return makeAssignment(scores, solved.columnOfRow, solved.rowPotentials, solved.prices)
        }
        var columnForRow = [Int32](repeating: -1, count: scores.rowCount)
        for (column, row) in solved.columnOfRow.enumerated() where row >= 0 {
            columnForRow[Int(row)] = Int32(truncatingIfNeeded: column)
        }
        return makeAssignment(scores, columnForRow, solved.prices, solved.rowPotentials)
    }

    /// The phases on a table whose rows are the side inserted one by one.
    private static func solveOriented(_ table: SparseScores, reductionWorkLimit: Int?, scaling: PriceScaling)
        -> (columnOfRow: [Int32], rowPotentials: [Int64], prices: [Int64])
    {
        let solver = SparseAssignmentSolver(table)
        if scaling != .always {
            solver.assignGreedily()
            solver.reduceFreeRows(reductionWorkLimit: reductionWorkLimit)
            let stillFree = solver.freeRowCount()
            let tight = table.columnCount < 2 * table.rowCount
            if scaling == .never || !tight || stillFree <= max(16, table.rowCount / 100) {
                solver.augmentFreeRows()
                return solver.state()
            }
        }
        // Price war: start over from ε-scaled prices (the current prices are a valid start).
        solver.approximatePrices(workLimit: nil)
        solver.reduceFreeRows(reductionWorkLimit: reductionWorkLimit)
        solver.augmentFreeRows()
        guard solver.hasPricedFreeColumns() else { return solver.state() }
        // Repair: free columns with a price are inserted, as rows, into the transposed problem.
        let first = solver.state()
        let mirror = SparseAssignmentSolver(table.transposed())
        mirror.loadTransposed(columnOfRow: first.columnOfRow, rowPotentials: first.rowPotentials, prices: first.prices)
        mirror.reduceFreeRows(reductionWorkLimit: reductionWorkLimit)
        mirror.augmentFreeRows()
        let second = mirror.state()
        var columnOfRow = [Int32](repeating: -1, count: table.rowCount)
        for (column, row) in second.columnOfRow.enumerated() where row >= 0 {
            columnOfRow[Int(row)] = Int32(truncatingIfNeeded: column)
        }
        return (columnOfRow, second.prices, second.rowPotentials)
    }

    /// Wraps a solved state; the totals are summed from `scores` in row order.
    private static func makeAssignment(
        _ scores: SparseScores, _ columnForRow: [Int32], _ rowPotentials: [Int64], _ columnPrices: [Int64]
    ) -> Assignment {
        var total = 0.0
        var scaledTotal: Int64 = 0
        for row in 0..<scores.rowCount where columnForRow[row] >= 0 {
            for index in scores.rowStart[row]..<scores.rowStart[row + 1] where scores.columns[index] == columnForRow[row] {
                total += scores.scores[index]
                scaledTotal += scaledScore(scores.scores[index])
                break
            }
        }
        return Assignment(
            columnForRow: columnForRow, total: total, scaledTotal: scaledTotal, rowPotentials: rowPotentials,
            columnPrices: columnPrices)
    }
}

/// The mutable state of one solve. Uses raw buffers for the hot loops; owns and frees them.
final class SparseAssignmentSolver {
    private let rowCount: Int
    private let columnCount: Int

    /// Per row: `start[r] ..< start[r + 1]` in `edges`; pairs with weight 0 are dropped.
    private let start: UnsafeMutablePointer<Int>
    /// Per row: `start[r] ..< sortedEnd[r]` is sorted descending and holds the row's largest keys.
    private let sortedEnd: UnsafeMutablePointer<Int>
    /// Packed pairs: `weight << 32 | (UInt32.max − column)`; descending key = weight desc, column asc.
    private let edges: UnsafeMutablePointer<UInt64>
    private let edgeCount: Int

    /// Column assigned to each row; `-1` = not yet inserted, `-2` = assigned to its dummy (unassigned).
    private let columnOfRow: UnsafeMutablePointer<Int32>
    /// Weight of each row's assigned pair (0 if none).
    private let weightOfRow: UnsafeMutablePointer<Int64>
    /// Row holding each column, `-1` = free.
    private let rowOfColumn: UnsafeMutablePointer<Int32>
    /// Column prices (dual variables), ≥ 0, 0 for free columns.
    private let price: UnsafeMutablePointer<Int64>

    // Dijkstra state, valid where `seen[c] == generation`.
    private let distance: UnsafeMutablePointer<Int64>
    private let predecessor: UnsafeMutablePointer<Int32>
    private let predecessorWeight: UnsafeMutablePointer<Int64>
    private let seen: UnsafeMutablePointer<UInt32>
    private let settledStamp: UnsafeMutablePointer<UInt32>
    private let settled: UnsafeMutablePointer<Int32>
    private var settledCount = 0
    private var generation: UInt32 = 0
    private var heap: MinHeap

    // Best sink of the running search.
    private var sinkKey: Int64 = .max
    private var sinkColumn: Int = -1
    private var sinkRow: Int = -1
    private var sinkWeight: Int64 = 0

    init(_ scores: SparseScores) {
        rowCount = scores.rowCount
        columnCount = scores.columnCount
        let rowCount = scores.rowCount
        let start = UnsafeMutablePointer<Int>.allocate(capacity: rowCount + 1)
        let sortedEnd = UnsafeMutablePointer<Int>.allocate(capacity: max(rowCount, 1))
        let edges = UnsafeMutablePointer<UInt64>.allocate(capacity: max(scores.edgeCount, 1))
        self.start = start
        self.sortedEnd = sortedEnd
        self.edges = edges
        var position = 0
        scores.rowStart.withUnsafeBufferPointer { rowStart in
            scores.columns.withUnsafeBufferPointer { columns in
                scores.scores.withUnsafeBufferPointer { values in
                    for row in 0..<rowCount {
                        start[row] = position
                        sortedEnd[row] = position
                        for index in rowStart[row]..<rowStart[row + 1] {
                            let w = AssignmentSolver.scaledScore(values[index])
                            let column = UInt32(truncatingIfNeeded: columns[index])
                            edges[position] = UInt64(w) << 32 | UInt64(UInt32.max - column)
                            position &+= w > 0 ? 1 : 0  // pairs of weight 0 are dropped (overwritten)
                        }
                    }
                }
            }
        }
        edgeCount = position
        start[rowCount] = position

        columnOfRow = .allocate(capacity: max(rowCount, 1))
        columnOfRow.initialize(repeating: -1, count: max(rowCount, 1))
        weightOfRow = .allocate(capacity: max(rowCount, 1))
        weightOfRow.initialize(repeating: 0, count: max(rowCount, 1))
        let columns = max(columnCount, 1)
        rowOfColumn = .allocate(capacity: columns)
        rowOfColumn.initialize(repeating: -1, count: columns)
        price = .allocate(capacity: columns)
        price.initialize(repeating: 0, count: columns)
        distance = .allocate(capacity: columns)
        predecessor = .allocate(capacity: columns)
        predecessorWeight = .allocate(capacity: columns)
        seen = .allocate(capacity: columns)
        seen.initialize(repeating: 0, count: columns)
        settledStamp = .allocate(capacity: columns)
        settledStamp.initialize(repeating: 0, count: columns)
        settled = .allocate(capacity: max(rowCount, 1) + 1)
        heap = MinHeap(capacity: 1024)
    }

    deinit {
        start.deallocate()
        sortedEnd.deallocate()
        edges.deallocate()
        columnOfRow.deallocate()
        weightOfRow.deallocate()
        rowOfColumn.deallocate()
        price.deallocate()
        distance.deallocate()
        predecessor.deallocate()
        predecessorWeight.deallocate()
        seen.deallocate()
        settledStamp.deallocate()
        settled.deallocate()
        heap.deallocate()
    }

    @inline(__always)
    private static func weight(_ key: UInt64) -> Int64 { Int64(key >> 32) }

    @inline(__always)
    private static func column(_ key: UInt64) -> Int { Int(UInt32.max - UInt32(truncatingIfNeeded: key)) }

    /// Step 1: greedy initialisation at price 0: a row takes its best column if that is still free.
    func assignGreedily() {
        for row in 0..<rowCount {
            let lower = start[row]
            let upper = start[row + 1]
            guard lower < upper else {
                columnOfRow[row] = -2
                continue
            }
            var best = edges[lower]
            var index = lower + 1
            while index < upper {
                let key = edges[index]
                if key > best { best = key }
                index += 1
            }
            let column = Self.column(best)
            if rowOfColumn[column] < 0 {
                rowOfColumn[column] = Int32(truncatingIfNeeded: row)
                columnOfRow[row] = Int32(truncatingIfNeeded: column)
                weightOfRow[row] = Self.weight(best)
            }
        }
    }

    /// Step 2 for the rows marked free (`-1`): bidding at exact prices, bounded by a work budget.
    func reduceFreeRows(reductionWorkLimit: Int?) {
        reduceRows(workLimit: reductionWorkLimit ?? 8 * (edgeCount + 8 * rowCount))
    }

    /// Step 3: a shortest augmenting path for every row still free, in index order. Correct from any state
    /// with feasible duals and tight assigned pairs, whatever the prices of free columns.
    func augmentFreeRows() {
        for row in 0..<rowCount where columnOfRow[row] == -1 {
            augment(from: row)
        }
    }

    func freeRowCount() -> Int {
        var count = 0
        for row in 0..<rowCount where columnOfRow[row] == -1 { count += 1 }
        return count
    }

    /// Phase 0 of the scaled solve: ε-scaling forward auction (Bertsekas) used only to find good *prices*.
    /// Bids raise a price by `v1 − v2 + ε`; ε shrinks 8× per round from `maxW/8` to `maxW/2¹⁶`. All rows are unassigned afterwards; the exact phases
    /// accept any non-negative prices, so this phase cannot affect optimality, only speed. Bounded by
    /// `workLimit` pair visits.
    func approximatePrices(workLimit: Int?) {
        guard rowCount > 0, edgeCount > 0 else { return }
        let workLimit = workLimit ?? 8 * (edgeCount + 8 * rowCount)
        var maxWeight: Int64 = 1
        for row in 0..<rowCount where start[row] < start[row + 1] {
            var index = start[row]
            while index < start[row + 1] {
                maxWeight = max(maxWeight, Self.weight(edges[index]))
                index += 1
            }
        }
        let finalEpsilon = max(1, maxWeight >> 16)
        var epsilon = max(finalEpsilon, maxWeight >> 3)
        let queue = UnsafeMutablePointer<Int32>.allocate(capacity: rowCount)
        defer { queue.deallocate() }
        var work = 0
        round: while true {
            resetAssignment()
            var head = 0
            var count = 0
            for row in 0..<rowCount where columnOfRow[row] == -1 {
                queue[count] = Int32(truncatingIfNeeded: row)
                count += 1
            }
            while count > 0 {
                if work >= workLimit { break round }
                let row = Int(queue[head])
                head = head + 1 == rowCount ? 0 : head + 1
                count -= 1
                var firstValue: Int64 = 0  // the dummy
                var firstColumn = -1
                var firstWeight: Int64 = 0
                var secondValue: Int64 = .min
                var index = start[row]
                let upper = start[row + 1]
                while index < upper {
                    if index == sortedEnd[row] { extendSortedPrefix(of: row) }
                    let key = edges[index]
                    let w = Self.weight(key)
                    if w <= secondValue { break }
                    index += 1
                    let column = Self.column(key)
                    let value = w - price[column]
                    if value > firstValue {
                        secondValue = firstValue
                        firstValue = value
                        firstColumn = column
                        firstWeight = w
                    } else if value > secondValue {
                        secondValue = value
                    }
                }
                work += index - start[row] + 1
                guard firstColumn >= 0 else {
                    columnOfRow[row] = -2  // the dummy, for this round
                    continue
                }
                price[firstColumn] += firstValue - max(secondValue, 0) + epsilon
                let previous = Int(rowOfColumn[firstColumn])
                rowOfColumn[firstColumn] = Int32(truncatingIfNeeded: row)
                columnOfRow[row] = Int32(truncatingIfNeeded: firstColumn)
                weightOfRow[row] = firstWeight
                if previous >= 0 {
                    columnOfRow[previous] = -1
                    let tail = head + count < rowCount ? head + count : head + count - rowCount
                    queue[tail] = Int32(truncatingIfNeeded: previous)
                    count += 1
                }
            }
            if epsilon == finalEpsilon { break }
            epsilon = max(finalEpsilon, epsilon >> 3)
        }
        resetAssignment()
    }

    /// Unassigns everything (rows without pairs are final at once); keeps the prices.
    func resetAssignment() {
        for row in 0..<rowCount {
            columnOfRow[row] = start[row] < start[row + 1] ? -1 : -2
            weightOfRow[row] = 0
        }
        rowOfColumn.update(repeating: -1, count: max(columnCount, 1))
    }

    /// Columns that are free but priced: they violate complementary slackness until repaired.
    func hasPricedFreeColumns() -> Bool {
        for column in 0..<columnCount where rowOfColumn[column] < 0 && price[column] > 0 { return true }
        return false
    }

    /// The current state: column of each row (`-1` = none), row potentials `u`, column prices `p`.
    func state() -> (columnOfRow: [Int32], rowPotentials: [Int64], prices: [Int64]) {
        var columns = [Int32](repeating: -1, count: rowCount)
        var potentials = [Int64](repeating: 0, count: rowCount)
        for row in 0..<rowCount where columnOfRow[row] >= 0 {
            columns[row] = columnOfRow[row]
            potentials[row] = weightOfRow[row] - price[Int(columnOfRow[row])]
        }
        return (columns, potentials, Array(UnsafeBufferPointer(start: price, count: columnCount)))
    }

    /// Loads the mirror image of a solved state of the transposed table (see `AssignmentSolver`):
    /// our rows are its columns. Its priced free columns become our free rows (`-1`), its unpriced free
    /// columns our final rows (`-2`), its row potentials our prices.
    func loadTransposed(columnOfRow theirColumns: [Int32], rowPotentials: [Int64], prices: [Int64]) {
        for column in 0..<columnCount {
            price[column] = rowPotentials[column]
            rowOfColumn[column] = -1
        }
        for row in 0..<rowCount {
            columnOfRow[row] = prices[row] > 0 ? -1 : -2
            weightOfRow[row] = 0
        }
        for (theirRow, theirColumn) in theirColumns.enumerated() where theirColumn >= 0 {
            let row = Int(theirColumn)
            columnOfRow[row] = Int32(truncatingIfNeeded: theirRow)
            rowOfColumn[theirRow] = theirColumn
            weightOfRow[row] = prices[row] + rowPotentials[theirRow]  // tight: w = p + u
        }
    }

    /// Augmenting row reduction (Jonker–Volgenant), i.e. an auction whose increments are exact, so the
    /// shortest-path invariant is kept. A free row computes its best value `v1 = max(w − p)` and second best
    /// `v2` over its columns and its dummy (value 0):
    /// - best is the dummy (`v1 = 0`): the row stays unassigned for good;
    /// - `v1 > v2`: it takes the best column and raises its price by `v1 − v2 ≥ 1`, so its pair is tight and all
    ///   reduced costs stay non-negative; the displaced row becomes free and bids later (FIFO order);
    /// - `v1 = v2`: it takes a free column of value `v1` if there is one, else its second option without a
    ///   price change (JV's rule). Such zero-increment swaps could cycle, which is one reason why the number
    ///   of pair visits is capped at `workLimit`; rows still free then go to the shortest-path phase.
    ///
    /// The scan of a row stops as soon as `w < v2`: later pairs have value `≤ w` and cannot change `v1`, `v2`
    /// or contribute a free column tying with `v1`.
    private func reduceRows(workLimit: Int) {
        guard workLimit > 0, rowCount > 0 else { return }
        let queue = UnsafeMutablePointer<Int32>.allocate(capacity: rowCount)
        defer { queue.deallocate() }
        var head = 0
        var count = 0
        for row in 0..<rowCount where columnOfRow[row] == -1 {
            queue[count] = Int32(truncatingIfNeeded: row)
            count += 1
        }
        var work = 0
        while count > 0 && work < workLimit {
            let row = Int(queue[head])
            head = head + 1 == rowCount ? 0 : head + 1
            count -= 1
            var firstValue: Int64 = 0  // the dummy
            var firstColumn = -1
            var firstWeight: Int64 = 0
            var secondValue: Int64 = .min
            var secondColumn = -1
            var secondWeight: Int64 = 0
            var freeColumn = -1  // the first free column in weight order: the most valuable free one
            var freeWeight: Int64 = 0
            var index = start[row]
            let upper = start[row + 1]
            while index < upper {
                if index == sortedEnd[row] { extendSortedPrefix(of: row) }
                let key = edges[index]
                index += 1
                let w = Self.weight(key)
                if w < secondValue { break }  // value ≤ w: neither value nor a tying free column follows
                let column = Self.column(key)
                let columnPrice = price[column]
                let value = w - columnPrice
                if columnPrice == 0, freeColumn < 0, rowOfColumn[column] < 0 {  // free columns have price 0
                    freeColumn = column
                    freeWeight = w
                }
                if value > firstValue {
                    secondValue = firstValue
                    secondColumn = firstColumn
                    secondWeight = firstWeight
                    firstValue = value
                    firstColumn = column
                    firstWeight = w
                } else if value > secondValue {
                    secondValue = value
                    secondColumn = column
                    secondWeight = w
                }
            }
            work += index - start[row] + 1
            if firstColumn < 0 || firstValue == 0 {  // nothing beats staying unassigned: final
                columnOfRow[row] = -2
                continue
            }
            var column = firstColumn
            var w = firstWeight
            if firstValue == secondValue {
                // A tie: a free column of that value if any, else the second option (JV's rule), which
                // displaces its holder without a price change; the work budget bounds such swaps.
                if freeColumn >= 0, freeWeight == firstValue {
                    column = freeColumn
                    w = freeWeight
                } else if secondColumn >= 0 {
                    column = secondColumn
                    w = secondWeight
                }
            } else {
                price[column] += firstValue - secondValue
            }
            let previous = Int(rowOfColumn[column])
            rowOfColumn[column] = Int32(truncatingIfNeeded: row)
            columnOfRow[row] = Int32(truncatingIfNeeded: column)
            weightOfRow[row] = w
            if previous >= 0 {
                columnOfRow[previous] = -1
                weightOfRow[previous] = 0
                let tail = head + count < rowCount ? head + count : head + count - rowCount
                queue[tail] = Int32(truncatingIfNeeded: previous)
                count += 1
            }
        }
    }

    /// Inserts the free row `root` by one Dijkstra search and augmentation (see the type documentation).
    ///
    /// Keys are distances shifted by the constant `u_root`: a column reached from tree row `i` gets
    /// `base_i − (w_ic − p_c)`, where `base_root = 0` and `base_i = key(c_i) + (w_i,c_i − p_c_i)` for the
    /// row's current column `c_i`; the dummy of row `i` has key `base_i`.
    private func augment(from root: Int) {
        generation &+= 1
        if generation == 0 {  // wrapped: clear the stamps once
            seen.update(repeating: 0, count: max(columnCount, 1))
            settledStamp.update(repeating: 0, count: max(columnCount, 1))
            generation = 1
        }
        settledCount = 0
        heap.removeAll()
        sinkKey = .max
        sinkColumn = -1
        sinkRow = -1

        scan(row: root, base: 0)
        while heap.count > 0 {
            let top = heap.min
            if top.key >= sinkKey { break }  // a sink is at least as close: prefer it
            heap.popMin()
            let column = Int(top.column)
            if settledStamp[column] == generation || top.key != distance[column] { continue }  // stale entry
            settledStamp[column] = generation
            settled[settledCount] = top.column
            settledCount += 1
            let row = Int(rowOfColumn[column])
            scan(row: row, base: top.key + (weightOfRow[row] - price[column]))
        }

        // Price update: settled columns get their slack to the sink; this keeps the duals feasible.
        for index in 0..<settledCount {
            let column = Int(settled[index])
            price[column] += sinkKey - distance[column]
        }

        // Augment along the predecessor chain.
        var column: Int
        if sinkColumn >= 0 {
            column = sinkColumn
            predecessor[column] = Int32(truncatingIfNeeded: sinkRow)
            predecessorWeight[column] = sinkWeight
        } else {
            let row = sinkRow
            let previous = Int(columnOfRow[row])
            columnOfRow[row] = -2
            weightOfRow[row] = 0
            if row == root { return }
            column = previous
        }
        while true {
            let row = Int(predecessor[column])
            let previous = Int(columnOfRow[row])
            columnOfRow[row] = Int32(truncatingIfNeeded: column)
            rowOfColumn[column] = Int32(truncatingIfNeeded: row)
            weightOfRow[row] = predecessorWeight[column]
            if row == root { return }
            column = previous
        }
    }

    /// Relaxes the pairs of tree row `row` whose key is `base − (w − p)`.
    @inline(__always)
    private func scan(row: Int, base: Int64) {
        if base < sinkKey {  // the row's dummy: give its column up
            sinkKey = base
            sinkColumn = -1
            sinkRow = row
        }
        var index = start[row]
        let upper = start[row + 1]
        while index < upper {
            if index == sortedEnd[row] { extendSortedPrefix(of: row) }
            let key = edges[index]
            index += 1
            let w = Self.weight(key)
            let reach = base - w
            if reach >= sinkKey { break }  // prices are ≥ 0 and later weights smaller: nothing better follows
            let column = Self.column(key)
            if settledStamp[column] == generation { continue }
            let candidate = reach + price[column]
            if rowOfColumn[column] < 0 {
                // Free column: a sink. At price 0, later pairs (weight ≤ w, price ≥ 0) cannot beat it.
                if candidate < sinkKey {
                    sinkKey = candidate
                    sinkColumn = column
                    sinkRow = row
                    sinkWeight = w
                }
                if candidate == reach { break }
                continue
            }
            if candidate >= sinkKey { continue }
            if seen[column] != generation || candidate < distance[column] {
                seen[column] = generation
                distance[column] = candidate
                predecessor[column] = Int32(truncatingIfNeeded: row)
                predecessorWeight[column] = w
                heap.push(key: candidate, column: Int32(truncatingIfNeeded: column))
            }
        }
    }

    /// Extends the sorted prefix of `row`: moves the next largest keys to the front of the unsorted suffix
    /// (one threshold pass, see `partitionLargest`) and sorts them. The first extension aims at
    /// `degree · 2·rows/columns` keys, the share of the row's columns that can possibly be taken by other
    /// rows; later ones quadruple the prefix, so a row is extended O(log degree) times.
    private func extendSortedPrefix(of row: Int) {
        let lower = sortedEnd[row]
        let upper = start[row + 1]
        guard lower < upper else { return }
        let done = lower - start[row]
        let degree = upper - start[row]
        let wanted: Int
        if done == 0 {
            let share = columnCount > 0 ? Double(2 * rowCount) / Double(columnCount) : 1
            wanted = max(32, Int(Double(degree) * min(1, share)))
        } else {
            wanted = 3 * done
        }
        let remaining = upper - lower
        if remaining <= max(wanted + wanted / 2, 128) {
            sortDescending(edges + lower, count: remaining)
            sortedEnd[row] = upper
        } else {
            let taken = partitionLargest(edges + lower, count: remaining, about: wanted)
            sortDescending(edges + lower, count: taken)
            sortedEnd[row] = lower + taken
        }
    }
}

/// Sorts `count` keys at `base` in descending order.
/// Deterministic introsort: median-of-three quicksort, insertion sort below 24 keys, and the standard
/// library's sort if the recursion gets too deep. (Keys are distinct, so stability is irrelevant.)
func sortDescending(_ base: UnsafeMutablePointer<UInt64>, count: Int) {
    quicksortDescending(base, count: count, depth: 2 * (Int.bitWidth - count.leadingZeroBitCount))
}

private func quicksortDescending(_ base: UnsafeMutablePointer<UInt64>, count: Int, depth: Int) {
    var base = base
    var count = count
    var depth = depth
    while count > 24 {
        if depth == 0 {
            var buffer = UnsafeMutableBufferPointer(start: base, count: count)
            buffer.sort(by: >)
            return
        }
        depth -= 1
        let a = base[0]
        let b = base[count / 2]
        let c = base[count - 1]
        let pivot = max(min(a, b), min(max(a, b), c))
        var i = 0
        var j = count - 1
        while i <= j {
            while base[i] > pivot { i += 1 }
            while base[j] < pivot { j -= 1 }
            if i <= j {
                let swap = base[i]
                base[i] = base[j]
                base[j] = swap
                i += 1
                j -= 1
            }
        }
        // Recurse into the smaller side, loop on the larger one.
        let leftCount = j + 1
        let rightCount = count - i
        if leftCount < rightCount {
            quicksortDescending(base, count: leftCount, depth: depth)
            base += i
            count = rightCount
        } else {
            quicksortDescending(base + i, count: rightCount, depth: depth)
            count = leftCount
        }
    }
    if count < 2 { return }
    for index in 1..<count {
        let key = base[index]
        var hole = index
        while hole > 0 && base[hole - 1] < key {
            base[hole] = base[hole - 1]
            hole -= 1
        }
        base[hole] = key
    }
}

/// Moves the largest keys of `base[0..<count]` to the front and returns how many were moved: all keys
/// `≥ T`, where the threshold `T` is read from a deterministic, evenly spaced sample so that about `wanted`
/// keys qualify. One branch-free pass; the result is always at least 1 (`T` is one of the keys) and the
/// moved keys are exactly the largest ones, which is all the sorted prefix needs.
func partitionLargest(_ base: UnsafeMutablePointer<UInt64>, count: Int, about wanted: Int) -> Int {
    guard count > 0 else { return 0 }
    let sampleSize = min(count, 64)
    let threshold = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: sampleSize) { sample in
        guard let sampleBase = sample.baseAddress else { return base[0] }
        for index in 0..<sampleSize { sampleBase[index] = base[index * count / sampleSize] }
        sortDescending(sampleBase, count: sampleSize)
        return sampleBase[min(sampleSize - 1, max(0, (wanted * sampleSize) / count))]
    }
    var front = 0
    for index in 0..<count {
        let key = base[index]
        base[index] = base[front]
        base[front] = key
        front &+= key >= threshold ? 1 : 0
    }
    return front
}

/// Binary min-heap of (key, column) ordered by key, then column; raw storage, grows by doubling.
struct MinHeap {
    struct Entry {
        var key: Int64
        var column: Int32
    }

    private var storage: UnsafeMutablePointer<Entry>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    func deallocate() { storage.deallocate() }

    mutating func removeAll() { count = 0 }

    var min: Entry { storage[0] }

    @inline(__always)
    private static func less(_ a: Entry, _ b: Entry) -> Bool {
        a.key < b.key || (a.key == b.key && a.column < b.column)
    }

    mutating func push(key: Int64, column: Int32) {
        if count == capacity {
            let grown = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        let entry = Entry(key: key, column: column)
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) >> 1
            let above = storage[parent]
            guard Self.less(entry, above) else { break }
            storage[child] = above
            child = parent
        }
        storage[child] = entry
    }

    mutating func popMin() {
        count -= 1
        guard count > 0 else { return }
        let entry = storage[count]
        var parent = 0
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count, Self.less(storage[child + 1], storage[child]) { child += 1 }
            guard Self.less(storage[child], entry) else { break }
            storage[parent] = storage[child]
            parent = child
        }
        storage[parent] = entry
    }
}
