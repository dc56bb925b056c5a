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

    /// When the solver switches to ε-scaled prices (phase 0, see the type documentation).
    enum PriceScaling {
        /// Never: greedy, row reduction, shortest paths.
        case never
        /// In a tight market (fewer than twice as many columns as rows) if more than `max(16, rows / 100)`
        /// rows are still free after the row reduction (a price war). Measured: 15× faster on square
        /// instances, but several times slower when columns far outnumber rows (the repair phase then has
        /// many priced columns to re-insert).
        case adaptive
        /// Always: for tables known to be contested (the completion of a bounded assignment,
        /// `CandidateAssignment.completed`), and in tests to exercise the repair phase.
        case always
    }

    /// `maximize` with its internal choices exposed for tests: the budget (pair visits) of the row-reduction
    /// phase (`nil` = the default `8 · (pairs + 8 · rows)`, `0` = none), whether tables with more rows than
    /// columns are solved transposed (the rows are inserted one at a time, so they should be the smaller
    /// side), and when to use ε-scaled prices. The optimum does not depend on any of them (the tests check
    /// every combination against exhaustive search); which optimal assignment is returned may.
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
        return finish(solver, table, reductionWorkLimit: reductionWorkLimit)
    }

    /// Maximises a table that only gained pairs since `previous` was solved on it (same rows and
    /// columns), where only the rows in `changedRows` gained any: the other rows keep their
    /// assignment and every column its price, and only the changed rows are inserted again. The exact
    /// phases are correct from such a state (duals feasible and assigned pairs tight for the kept
    /// rows; the columns given up are repaired), so the result is optimal as a cold solve's. Tables
    /// with more rows than columns are solved cold (they are solved transposed).
    static func maximize(_ scores: SparseScores, from previous: Assignment, changedRows: [Int]) -> Assignment {
        guard scores.rowCount <= scores.columnCount, previous.columnForRow.count == scores.rowCount,
            previous.columnPrices.count == scores.columnCount
        else { return maximize(scores) }
        let solver = SparseAssignmentSolver(scores)
        solver.load(previous: previous, freeRows: changedRows)
        // The row reduction's budget scales with what changed, not with the table: on a contested
        // market its zero-increment swaps otherwise spend the whole table's budget on a few rows
        // (0.5 s for 3 changed rows of 4.8 million pairs at state scale, 0.05 s with this budget).
        let changedPairs = changedRows.reduce(0) { $0 + scores.rowStart[$1 + 1] - scores.rowStart[$1] }
        let solved = finish(solver, scores, reductionWorkLimit: 8 * (changedPairs + 8 * changedRows.count))
        return makeAssignment(scores, solved.columnOfRow, solved.rowPotentials, solved.prices)
    }

    /// Steps 2–3 from the solver's current prices, then the repair of priced free columns.
    private static func finish(_ solver: SparseAssignmentSolver, _ table: SparseScores, reductionWorkLimit: Int?)
        -> (columnOfRow: [Int32], rowPotentials: [Int64], prices: [Int64])
    {
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
