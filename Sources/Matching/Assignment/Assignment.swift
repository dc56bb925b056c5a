/// An optimal matching of rows (households) to columns (flats), with its optimality certificate.
public struct Assignment: Sendable, Equatable {
    /// The column assigned to each row, or `-1` if the row stays unassigned.
    public let columnForRow: [Int32]
    /// Sum of the input scores of the assigned pairs, added in row order (deterministic).
    public let total: Double
    /// The exact objective the solver maximised: the sum of `AssignmentSolver.scaledScore` of the assigned pairs.
    public let scaledTotal: Int64
    /// Dual variable `u_i ≥ 0` of every row, in scaled score units (see `AssignmentSolver.scoreScale`).
    public let rowPotentials: [Int64]
    /// Dual variable (price) `p_j ≥ 0` of every column, in scaled score units.
    public let columnPrices: [Int64]

    /// Number of rows that received a column.
    public var assignedCount: Int { columnForRow.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    /// Checks the linear-programming certificate of optimality against `scores`, in O(pairs + rows + columns):
    ///
    /// - the matching is valid: every assigned pair is a stored pair and no column is used twice;
    /// - the duals are feasible: `u_i ≥ 0`, `p_j ≥ 0` and `u_i + p_j ≥ w_ij` for every stored pair;
    /// - complementary slackness: `u_i + p_j == w_ij` on assigned pairs, `u_i == 0` for unassigned rows,
    ///   `p_j == 0` for unassigned columns;
    /// - `scaledTotal` is the sum of `w_ij` over assigned pairs.
    ///
    /// Here `w_ij = AssignmentSolver.scaledScore(score)`. When all of this holds the matching is maximal in
    /// scaled total by LP duality (`Σw = Σu + Σp`, an upper bound for every matching).
    public func isOptimal(for scores: SparseScores) -> Bool {
        guard columnForRow.count == scores.rowCount, rowPotentials.count == scores.rowCount,
            columnPrices.count == scores.columnCount
        else { return false }
        var columnUsed = [Bool](repeating: false, count: scores.columnCount)
        var sum: Int64 = 0
        for row in 0..<scores.rowCount {
            let u = rowPotentials[row]
            guard u >= 0 else { return false }
            let assigned = Int(columnForRow[row])
            var found = assigned < 0
            for index in scores.rowStart[row]..<scores.rowStart[row + 1] {
                let column = Int(scores.columns[index])
                let w = AssignmentSolver.scaledScore(scores.scores[index])
                guard u + columnPrices[column] >= w else { return false }
                if column == assigned {
                    guard u + columnPrices[column] == w else { return false }
                    found = true
                    sum += w
                }
            }
            guard found else { return false }
            if assigned >= 0 {
                guard !columnUsed[assigned] else { return false }
                columnUsed[assigned] = true
            } else if u != 0 {
                return false
            }
        }
        for column in 0..<scores.columnCount {
            let price = columnPrices[column]
            guard price >= 0, columnUsed[column] || price == 0 else { return false }
        }
        return sum == scaledTotal
    }
}
