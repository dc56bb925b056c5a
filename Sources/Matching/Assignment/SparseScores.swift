/// Why a score table was rejected.
public enum AssignmentInputError: Error, Equatable, Sendable {
    /// `rowCount` or `columnCount` is negative, or a column index does not fit in `Int32`.
    case invalidDimensions(rowCount: Int, columnCount: Int)
    /// `rowStart` does not have `rowCount + 1` non-decreasing entries from 0 to the edge count,
    /// or `columns` and `scores` differ in length.
    case malformedRowStart
    /// A row index is outside `0..<rowCount`.
    case rowOutOfRange(row: Int)
    /// A column index is outside `0..<columnCount`.
    case columnOutOfRange(row: Int, column: Int)
    /// A score is NaN, infinite or outside `[0, 1]`.
    case scoreOutOfRange(row: Int, column: Int, score: Double)
    /// The same (row, column) pair appears twice.
    case duplicatePair(row: Int, column: Int)
}

/// Scores of the feasible (household, flat) pairs in compressed sparse row (CSR) form.
///
/// Row `r` owns the entries `rowStart[r] ..< rowStart[r + 1]` of `columns` and `scores`.
/// Only feasible pairs are stored; an absent pair can never be assigned. Every score lies in
/// `[0, 1]` (higher is better). Within a row the entries may be in any order; the solver's result
/// does not depend on it.
public struct SparseScores: Sendable, Equatable {
    /// Number of rows (households).
    public let rowCount: Int
    /// Number of columns (flats).
    public let columnCount: Int
    /// `rowCount + 1` offsets into `columns` / `scores`; `rowStart[0] == 0`, `rowStart[rowCount] == edgeCount`.
    public let rowStart: [Int]
    /// Column index of each stored pair.
    public let columns: [Int32]
    /// Score of each stored pair, in `[0, 1]`.
    public let scores: [Double]

    /// Number of stored (feasible) pairs.
    public var edgeCount: Int { columns.count }

    /// Validates and wraps CSR arrays.
    ///
    /// - Throws: `AssignmentInputError` if the offsets are malformed, an index is out of range,
    ///   a score is not a finite number in `[0, 1]`, or a pair occurs twice. Cost O(rows + columns + pairs).
    public init(rowCount: Int, columnCount: Int, rowStart: [Int], columns: [Int32], scores: [Double])
        throws(AssignmentInputError)
    {
        guard rowCount >= 0, columnCount >= 0, columnCount <= Int(Int32.max) else {
            throw .invalidDimensions(rowCount: rowCount, columnCount: columnCount)
        }
        guard rowStart.count == rowCount + 1, rowStart.first == 0, rowStart.last == columns.count,
            columns.count == scores.count
        else { throw .malformedRowStart }
        var lastSeenInRow = [Int32](repeating: -1, count: columnCount)
        for row in 0..<rowCount {
            let lower = rowStart[row]
            let upper = rowStart[row + 1]
            guard lower <= upper else { throw .malformedRowStart }
            for index in lower..<upper {
                let column = Int(columns[index])
                guard column >= 0, column < columnCount else { throw .columnOutOfRange(row: row, column: column) }
                let score = scores[index]
                guard score.isFinite, score >= 0, score <= 1 else {
                    throw .scoreOutOfRange(row: row, column: column, score: score)
                }
                guard lastSeenInRow[column] != Int32(truncatingIfNeeded: row) else {
                    throw .duplicatePair(row: row, column: column)
                }
                lastSeenInRow[column] = Int32(truncatingIfNeeded: row)
            }
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowStart = rowStart
        self.columns = columns
        self.scores = scores
    }

    /// Builds the CSR table from `(row, column, score)` triples given in any order.
    ///
    /// Within each row the pairs are stored by ascending column. Cost O(rows + pairs log pairs-per-row).
    /// - Throws: `AssignmentInputError` as for the CSR initialiser (also for a row index out of range).
    public init(rowCount: Int, columnCount: Int, triples: [(row: Int, column: Int, score: Double)])
        throws(AssignmentInputError)
    {
        guard rowCount >= 0, columnCount >= 0, columnCount <= Int(Int32.max) else {
            throw .invalidDimensions(rowCount: rowCount, columnCount: columnCount)
        }
        var start = [Int](repeating: 0, count: rowCount + 1)
        for triple in triples {
            guard triple.row >= 0, triple.row < rowCount else { throw .rowOutOfRange(row: triple.row) }
            guard triple.column >= 0, triple.column < columnCount else {
                throw .columnOutOfRange(row: triple.row, column: triple.column)
            }
            start[triple.row + 1] += 1
        }
        for row in 0..<rowCount { start[row + 1] += start[row] }
        var fill = start
        var order = [Int](repeating: 0, count: triples.count)
        for (index, triple) in triples.enumerated() {
            order[fill[triple.row]] = index
            fill[triple.row] += 1
        }
        var columns = [Int32](repeating: 0, count: triples.count)
        var scores = [Double](repeating: 0, count: triples.count)
        for row in 0..<rowCount {
            let range = start[row]..<start[row + 1]
            order[range].sort { triples[$0].column < triples[$1].column }
            for position in range {
                columns[position] = Int32(truncatingIfNeeded: triples[order[position]].column)
                scores[position] = triples[order[position]].score
            }
        }
        try self.init(rowCount: rowCount, columnCount: columnCount, rowStart: start, columns: columns, scores: scores)
    }

    /// The best `k` columns of every row: score descending, ties by ascending column.
    ///
    /// The result has the same dimensions and holds, per row, at most `k` pairs in exactly that order.
    /// Uses a bounded min-heap per row: O(pairs · log k) time, O(k) extra memory per row.
    /// `k <= 0` gives a table without pairs.
    public func topK(_ k: Int) -> SparseScores {
        var newStart = [Int](repeating: 0, count: rowCount + 1)
        var newColumns: [Int32] = []
        var newScores: [Double] = []
        let limit = max(0, k)
        newColumns.reserveCapacity(min(edgeCount, limit * rowCount))
        newScores.reserveCapacity(min(edgeCount, limit * rowCount))
        // heap[0] is the worst kept entry; "worse" = lower score, then higher column.
        var heap: [(score: Double, column: Int32)] = []
        heap.reserveCapacity(limit)
        func worse(_ a: (score: Double, column: Int32), _ b: (score: Double, column: Int32)) -> Bool {
            a.score < b.score || (a.score == b.score && a.column > b.column)
        }
        for row in 0..<rowCount {
            heap.removeAll(keepingCapacity: true)
            if limit > 0 {
                for index in rowStart[row]..<rowStart[row + 1] {
                    let entry = (score: scores[index], column: columns[index])
                    if heap.count < limit {
                        heap.append(entry)
                        var child = heap.count - 1
                        while child > 0 {
                            let parent = (child - 1) / 2
                            guard worse(heap[child], heap[parent]) else { break }
                            heap.swapAt(child, parent)
                            child = parent
                        }
                    } else if worse(heap[0], entry) {
                        heap[0] = entry
                        var parent = 0
                        while true {
                            let left = 2 * parent + 1
                            guard left < heap.count else { break }
                            var smallest = left
                            if left + 1 < heap.count, worse(heap[left + 1], heap[left]) { smallest = left + 1 }
                            guard worse(heap[smallest], heap[parent]) else { break }
                            heap.swapAt(smallest, parent)
                            parent = smallest
                        }
                    }
                }
            }
            heap.sort { worse($1, $0) }
            for entry in heap {
                newColumns.append(entry.column)
                newScores.append(entry.score)
            }
            newStart[row + 1] = newColumns.count
        }
        return SparseScores(
            unchecked: rowCount, columnCount: columnCount, rowStart: newStart, columns: newColumns, scores: newScores)
    }

    /// The same pairs with rows and columns swapped (rows of the result ascend by column). O(rows + columns + pairs).
    func transposed() -> SparseScores {
        var start = [Int](repeating: 0, count: columnCount + 1)
        for column in columns { start[Int(column) + 1] += 1 }
        for column in 0..<columnCount { start[column + 1] += start[column] }
        var fill = start
        var newColumns = [Int32](repeating: 0, count: edgeCount)
        var newScores = [Double](repeating: 0, count: edgeCount)
        for row in 0..<rowCount {
            for index in rowStart[row]..<rowStart[row + 1] {
                let column = Int(columns[index])
                newColumns[fill[column]] = Int32(truncatingIfNeeded: row)
                newScores[fill[column]] = scores[index]
                fill[column] += 1
            }
        }
        return SparseScores(
            unchecked: columnCount, columnCount: rowCount, rowStart: start, columns: newColumns, scores: newScores)
    }

    /// Wraps arrays already known to be valid (derived from a validated table).
    init(unchecked rowCount: Int, columnCount: Int, rowStart: [Int], columns: [Int32], scores: [Double]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowStart = rowStart
        self.columns = columns
        self.scores = scores
    }
}
