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

    /// Starts from an optimal state of the same table with fewer pairs: its prices and assignment,
    /// with the rows in `freeRows` (those that gained pairs) free again. Every other row's pairs are
    /// unchanged, so its duals stay feasible and its pair tight; the columns the freed rows held may
    /// be left free with a price, which the repair handles.
    func load(previous: Assignment, freeRows: [Int]) {
        for column in 0..<columnCount {
            price[column] = column < previous.columnPrices.count ? max(0, previous.columnPrices[column]) : 0
            rowOfColumn[column] = -1
        }
        for row in 0..<rowCount {
            columnOfRow[row] = -2
            weightOfRow[row] = 0
            let column = row < previous.columnForRow.count ? Int(previous.columnForRow[row]) : -1
            guard column >= 0 else { continue }
            var index = start[row]
            while index < start[row + 1] && Self.column(edges[index]) != column { index += 1 }
            if index < start[row + 1] {
                columnOfRow[row] = Int32(truncatingIfNeeded: column)
                rowOfColumn[column] = Int32(truncatingIfNeeded: row)
                weightOfRow[row] = Self.weight(edges[index])
            } else {
                columnOfRow[row] = -1  // its pair is gone: insert it again
            }
        }
        for row in freeRows where start[row] < start[row + 1] {
            if columnOfRow[row] >= 0 { rowOfColumn[Int(columnOfRow[row])] = -1 }
            columnOfRow[row] = -1
            weightOfRow[row] = 0
        }
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
