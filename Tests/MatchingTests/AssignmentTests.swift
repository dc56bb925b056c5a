import Testing

@testable import Matching

/// Random instance generator shared by the suites; every instance is reproducible from its seed.
enum InstanceFactory {
    /// A small random table: up to `maxRows` × `maxColumns`, random sparsity, and one of several score
    /// styles (continuous, few tied levels, all equal, with zeros) so ties and degenerate cases occur often.
    static func small(seed: UInt64, maxRows: Int = 7, maxColumns: Int = 7) -> SparseScores {
        var random = SplitMix64(seed: seed)
        let rows = Int.random(in: 0...maxRows, using: &random)
        let columns = Int.random(in: 0...maxColumns, using: &random)
        let density = [0.0, 0.2, 0.5, 0.8, 1.0][Int.random(in: 0..<5, using: &random)]
        let style = Int.random(in: 0..<5, using: &random)
        var triples: [(row: Int, column: Int, score: Double)] = []
        for row in 0..<rows {
            for column in 0..<columns where Double.random(in: 0..<1, using: &random) < density {
                let score: Double
                switch style {
                case 0: score = Double.random(in: 0...1, using: &random)
                case 1: score = Double(Int.random(in: 0...3, using: &random)) / 3
                case 2: score = 0.5
                case 3: score = Bool.random(using: &random) ? 0 : Double.random(in: 0...1, using: &random)
                default: score = [0, 0.1, 0.25, 0.7, 1][Int.random(in: 0..<5, using: &random)]
                }
                triples.append((row, column, score))
            }
        }
        triples.shuffle(using: &random)
        return (try? SparseScores(rowCount: rows, columnCount: columns, triples: triples))
            ?? emptyTable(rows: 0, columns: 0)
    }

    /// The correlated market: column quality `q_j`, personal noise, `density` of pairs feasible.
    static func correlated(seed: UInt64, rows: Int, columns: Int, density: Double) -> SparseScores {
        var random = SplitMix64(seed: seed)
        let quality = (0..<columns).map { _ in Double.random(in: 0..<1, using: &random) }
        var triples: [(row: Int, column: Int, score: Double)] = []
        for row in 0..<rows {
            for column in 0..<columns where Double.random(in: 0..<1, using: &random) < density {
                triples.append((row, column, 0.9 * quality[column] + 0.1 * Double.random(in: 0..<1, using: &random)))
            }
        }
        return (try? SparseScores(rowCount: rows, columnCount: columns, triples: triples))
            ?? emptyTable(rows: 0, columns: 0)
    }

    static func emptyTable(rows: Int, columns: Int) -> SparseScores {
        SparseScores(unchecked: rows, columnCount: columns, rowStart: [Int](repeating: 0, count: rows + 1),
            columns: [], scores: [])
    }
}

/// Reference optimum by exhaustive dynamic programming over subsets of used columns (columns ≤ ~12).
func exhaustiveOptimum(_ table: SparseScores) -> Int64 {
    let states = 1 << table.columnCount
    var best = [Int64](repeating: -1, count: states)
    best[0] = 0
    for row in 0..<table.rowCount {
        var next = best  // the row stays unassigned
        for mask in 0..<states where best[mask] >= 0 {
            for index in table.rowStart[row]..<table.rowStart[row + 1] {
                let bit = 1 << Int(table.columns[index])
                guard mask & bit == 0 else { continue }
                let value = best[mask] + AssignmentSolver.scaledScore(table.scores[index])
                if value > next[mask | bit] { next[mask | bit] = value }
            }
        }
        best = next
    }
    return best.max() ?? 0
}

/// Checks that `assignment` only uses stored pairs, every column at most once, and sums correctly.
func expectValidMatching(_ assignment: Assignment, _ table: SparseScores, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(assignment.columnForRow.count == table.rowCount, sourceLocation: sourceLocation)
    var used = Set<Int32>()
    var scaled: Int64 = 0
    var total = 0.0
    for (row, column) in assignment.columnForRow.enumerated() where column >= 0 {
        #expect(!used.contains(column), "column \(column) used twice", sourceLocation: sourceLocation)
        used.insert(column)
        let range = table.rowStart[row]..<table.rowStart[row + 1]
        let index = range.first { table.columns[$0] == column }
        #expect(index != nil, "row \(row) got infeasible column \(column)", sourceLocation: sourceLocation)
        if let index {
            scaled += AssignmentSolver.scaledScore(table.scores[index])
            total += table.scores[index]
        }
    }
    #expect(scaled == assignment.scaledTotal, sourceLocation: sourceLocation)
    #expect(abs(total - assignment.total) <= 1e-9 * Double(max(1, table.rowCount)), sourceLocation: sourceLocation)
}

/// Row-reduction budgets under test: none (pure shortest augmenting paths), a few bids, the default.
let reductionBudgets: [Int?] = [0, 6, nil]

@Suite struct AssignmentExhaustiveTests {
    /// 40 batches × 150 seeds = 6,000 random instances up to 7 × 7, each solved with every phase mix.
    @Test(arguments: 0..<40)
    func smallInstancesMatchExhaustiveSearch(batch: Int) {
        for offset in 0..<150 {
            let seed = UInt64(batch * 1_000 + offset)
            let table = InstanceFactory.small(seed: seed)
            let optimum = exhaustiveOptimum(table)
            for budget in reductionBudgets {
                for transpose in [true, false] {
                    for scale in [AssignmentSolver.PriceScaling.never, .adaptive, .always] {
                        let assignment = AssignmentSolver.maximize(
                            table, reductionWorkLimit: budget, transposeTallTables: transpose, scaling: scale)
                        expectValidMatching(assignment, table)
                        #expect(assignment.scaledTotal == optimum,
                            "seed \(seed), budget \(String(describing: budget)), transpose \(transpose), scale \(scale)")
                        #expect(assignment.isOptimal(for: table), "certificate fails for seed \(seed)")
                    }
                }
            }
        }
    }

    /// Wider instances (rows > columns and vice versa) up to 10 × 12.
    @Test(arguments: 0..<10)
    func widerInstancesMatchExhaustiveSearch(batch: Int) {
        for offset in 0..<50 {
            let seed = UInt64(500_000 + batch * 1_000 + offset)
            let table = InstanceFactory.small(seed: seed, maxRows: 10, maxColumns: 12)
            let optimum = exhaustiveOptimum(table)
            for budget in reductionBudgets {
                for scale in [AssignmentSolver.PriceScaling.never, .adaptive, .always] {
                    let assignment = AssignmentSolver.maximize(table, reductionWorkLimit: budget, scaling: scale)
                    expectValidMatching(assignment, table)
                    #expect(assignment.scaledTotal == optimum, "seed \(seed), budget \(String(describing: budget))")
                    #expect(assignment.isOptimal(for: table))
                }
            }
        }
    }

    /// Correlated markets small enough for the exhaustive search: everyone wants the same flats.
    @Test(arguments: 0..<20)
    func correlatedSmallMarkets(seed: UInt64) {
        let table = InstanceFactory.correlated(seed: seed, rows: 9, columns: 12, density: 0.6)
        let optimum = exhaustiveOptimum(table)
        for budget in reductionBudgets {
            let assignment = AssignmentSolver.maximize(table, reductionWorkLimit: budget)
            expectValidMatching(assignment, table)
            #expect(assignment.scaledTotal == optimum)
        }
    }
}

@Suite struct AssignmentCertificateTests {
    /// Larger instances are proven optimal by their LP certificate (duals feasible, complementary slackness).
    @Test(arguments: [(rows: 200, columns: 2_000, density: 0.1), (rows: 300, columns: 300, density: 0.05),
        (rows: 500, columns: 200, density: 0.2), (rows: 400, columns: 4_000, density: 0.3),
        (rows: 3_000, columns: 300, density: 0.1)])
    func correlatedMarketsCarryACertificate(rows: Int, columns: Int, density: Double) {
        let table = InstanceFactory.correlated(seed: UInt64(rows * 7 + columns), rows: rows, columns: columns, density: density)
        var totals = Set<Int64>()
        for budget in reductionBudgets + [1_000] {
            for scale in [AssignmentSolver.PriceScaling.never, .adaptive, .always] {
                let assignment = AssignmentSolver.maximize(table, reductionWorkLimit: budget, scaling: scale)
                expectValidMatching(assignment, table)
                #expect(assignment.isOptimal(for: table), "budget \(String(describing: budget)), scale \(scale)")
                totals.insert(assignment.scaledTotal)
            }
        }
        #expect(totals.count == 1)
    }

    @Test func transposedSolveMapsBackToTheSameOptimum() {
        let table = InstanceFactory.correlated(seed: 5, rows: 400, columns: 60, density: 0.3)
        let direct = AssignmentSolver.maximize(table, reductionWorkLimit: nil, transposeTallTables: false)
        let flipped = AssignmentSolver.maximize(table, reductionWorkLimit: nil, transposeTallTables: true)
        #expect(direct.scaledTotal == flipped.scaledTotal)
        #expect(flipped.isOptimal(for: table))
        #expect(abs(direct.total - flipped.total) < 1e-9)
    }

    @Test func certificateRejectsASuboptimalAssignment() {
        let table = InstanceFactory.correlated(seed: 3, rows: 30, columns: 40, density: 0.5)
        let optimal = AssignmentSolver.maximize(table)
        var columns = optimal.columnForRow
        if let row = columns.firstIndex(where: { $0 >= 0 }) { columns[row] = -1 }
        let worse = Assignment(columnForRow: columns, total: 0, scaledTotal: 0, rowPotentials: optimal.rowPotentials,
            columnPrices: optimal.columnPrices)
        #expect(!worse.isOptimal(for: table))
    }
}

@Suite struct AssignmentDeterminismTests {
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func sameInputGivesIdenticalResult(seed: UInt64) {
        let table = InstanceFactory.correlated(seed: seed, rows: 150, columns: 600, density: 0.2)
        #expect(AssignmentSolver.maximize(table) == AssignmentSolver.maximize(table))
    }

    /// The order of the pairs within a row must not matter, even with many tied scores.
    @Test(arguments: [UInt64(11), 12, 13])
    func pairOrderWithinRowsDoesNotMatter(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var triples: [(row: Int, column: Int, score: Double)] = []
        for row in 0..<60 {
            for column in 0..<80 where Double.random(in: 0..<1, using: &random) < 0.3 {
                triples.append((row, column, Double(Int.random(in: 0...4, using: &random)) / 4))
            }
        }
        let sorted = try SparseScores(rowCount: 60, columnCount: 80, triples: triples)
        var columns = sorted.columns
        var scores = sorted.scores
        for row in 0..<60 {  // reverse every row
            let range = sorted.rowStart[row]..<sorted.rowStart[row + 1]
            columns[range].reverse()
            scores[range].reverse()
        }
        let reversed = try SparseScores(rowCount: 60, columnCount: 80, rowStart: sorted.rowStart, columns: columns,
            scores: scores)
        let first = AssignmentSolver.maximize(sorted)
        let second = AssignmentSolver.maximize(reversed)
        #expect(first.columnForRow == second.columnForRow)
        #expect(first.scaledTotal == second.scaledTotal)
    }
}

@Suite struct AssignmentEdgeCaseTests {
    @Test func zeroRows() throws {
        let table = try SparseScores(rowCount: 0, columnCount: 5, triples: [])
        let assignment = AssignmentSolver.maximize(table)
        #expect(assignment.columnForRow.isEmpty)
        #expect(assignment.total == 0)
        #expect(assignment.columnPrices == [0, 0, 0, 0, 0])
    }

    @Test func zeroColumns() throws {
        let table = try SparseScores(rowCount: 3, columnCount: 0, triples: [])
        let assignment = AssignmentSolver.maximize(table)
        #expect(assignment.columnForRow == [-1, -1, -1])
        #expect(assignment.isOptimal(for: table))
    }

    @Test func noPairs() throws {
        let table = try SparseScores(rowCount: 4, columnCount: 4, triples: [])
        #expect(AssignmentSolver.maximize(table).columnForRow == [-1, -1, -1, -1])
    }

    @Test func zeroScoresAreNeverAssigned() throws {
        let table = try SparseScores(rowCount: 2, columnCount: 2, triples: [(0, 0, 0), (1, 1, 0), (1, 0, 0.4)])
        let assignment = AssignmentSolver.maximize(table)
        #expect(assignment.columnForRow == [-1, 0])
        #expect(assignment.total == 0.4)
    }

    @Test func moreRowsThanColumns() throws {
        let table = try SparseScores(rowCount: 4, columnCount: 2, triples: [
            (0, 0, 0.9), (1, 0, 0.8), (1, 1, 0.7), (2, 1, 0.95), (3, 0, 0.1),
        ])
        let assignment = AssignmentSolver.maximize(table)
        #expect(assignment.columnForRow == [0, -1, 1, -1])
        #expect(abs(assignment.total - 1.85) < 1e-12)
        #expect(assignment.isOptimal(for: table))
    }

    /// Giving up a flat can be optimal: row 0 must move to its dummy so rows 1 and 2 both get flats.
    @Test func augmentingPathThroughAnUnassignment() throws {
        let table = try SparseScores(rowCount: 3, columnCount: 2, triples: [
            (0, 0, 0.5), (0, 1, 0.5), (1, 0, 0.9), (2, 1, 0.9),
        ])
        let assignment = AssignmentSolver.maximize(table)
        #expect(assignment.columnForRow == [-1, 0, 1])
        #expect(abs(assignment.total - 1.8) < 1e-12)
    }

    /// All-equal scores: lowest indices win deterministically.
    @Test func tiesAreBrokenByIndex() throws {
        var triples: [(row: Int, column: Int, score: Double)] = []
        for row in 0..<3 { for column in 0..<5 { triples.append((row, column, 0.5)) } }
        let table = try SparseScores(rowCount: 3, columnCount: 5, triples: triples)
        #expect(AssignmentSolver.maximize(table).columnForRow == [0, 1, 2])
        // ε-scaled prices (used in price wars) may pick another optimum, but always the same one.
        let scaled = AssignmentSolver.maximize(table, reductionWorkLimit: nil, scaling: .always)
        #expect(scaled == AssignmentSolver.maximize(table, reductionWorkLimit: nil, scaling: .always))
        #expect(scaled.scaledTotal == AssignmentSolver.maximize(table).scaledTotal)
    }

    @Test func invalidInputIsRejected() {
        #expect(throws: AssignmentInputError.scoreOutOfRange(row: 0, column: 0, score: 1.5)) {
            try SparseScores(rowCount: 1, columnCount: 1, triples: [(0, 0, 1.5)])
        }
        #expect(throws: AssignmentInputError.columnOutOfRange(row: 0, column: 3)) {
            try SparseScores(rowCount: 1, columnCount: 2, triples: [(0, 3, 0.5)])
        }
        #expect(throws: AssignmentInputError.rowOutOfRange(row: 2)) {
            try SparseScores(rowCount: 1, columnCount: 2, triples: [(2, 0, 0.5)])
        }
        #expect(throws: AssignmentInputError.duplicatePair(row: 0, column: 1)) {
            try SparseScores(rowCount: 1, columnCount: 2, triples: [(0, 1, 0.5), (0, 1, 0.6)])
        }
        #expect(throws: AssignmentInputError.malformedRowStart) {
            try SparseScores(rowCount: 2, columnCount: 2, rowStart: [0, 1], columns: [0], scores: [0.5])
        }
        #expect(throws: (any Error).self) {
            try SparseScores(rowCount: 1, columnCount: 1, triples: [(0, 0, .nan)])
        }
    }
}

@Suite struct TopKTests {
    @Test(arguments: [0, 1, 3, 10, 100])
    func topKMatchesAFullSort(k: Int) throws {
        var random = SplitMix64(seed: UInt64(k) + 99)
        var triples: [(row: Int, column: Int, score: Double)] = []
        for row in 0..<40 {
            for column in 0..<50 where Double.random(in: 0..<1, using: &random) < 0.4 {
                triples.append((row, column, Double(Int.random(in: 0...5, using: &random)) / 5))
            }
        }
        let table = try SparseScores(rowCount: 40, columnCount: 50, triples: triples.shuffled(using: &random))
        let top = table.topK(k)
        #expect(top.rowCount == 40 && top.columnCount == 50)
        for row in 0..<40 {
            let range = table.rowStart[row]..<table.rowStart[row + 1]
            let expected = range.map { (table.scores[$0], table.columns[$0]) }
                .sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                .prefix(k)
            let got = (top.rowStart[row]..<top.rowStart[row + 1]).map { (top.scores[$0], top.columns[$0]) }
            #expect(got.map(\.0) == expected.map(\.0))
            #expect(got.map(\.1) == expected.map(\.1))
        }
    }
}

@Suite struct ReservoirListsTests {
    /// One pass fills both lists: each household's best pairs, and its best among the flats not
    /// marked popular (every third flat is popular here).
    @Test func theSpareListLeavesPopularFlatsOut() {
        let lists = ReservoirLists(k: 3, spare: 2, households: 2, popular: Column((0..<20).map { $0 % 3 == 0 }))
        for listing in (0..<20).reversed() {
            lists.offer(0, Double(listing) / 20, Int32(listing))  // household 0 likes high indices
            lists.offer(1, Double(20 - listing) / 20, Int32(listing))  // household 1 low ones
        }
        func best(_ entries: [(score: Double, listing: Int32)]) -> [Int32] { MatchingEngine.bestFirst(entries, keep: .max).map(\.listing) }
        #expect(best(lists.top.entries(0)) == [19, 18, 17])
        #expect(best(lists.spare.entries(0)) == [19, 17])
        #expect(best(lists.top.entries(1)) == [0, 1, 2])
        #expect(best(lists.spare.entries(1)) == [1, 2])
    }
}

@Suite struct SelectionTests {
    @Test(arguments: [1, 2, 7, 50, 99, 100, 500])
    func partitionLargestMovesExactlyTheLargestKeys(wanted: Int) {
        var random = SplitMix64(seed: UInt64(wanted))
        let count = 300
        var values = (0..<count).map { index in
            UInt64.random(in: 0..<50, using: &random) << 32 | UInt64(index)
        }
        let sorted = values.sorted(by: >)
        let moved = values.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { partitionLargest($0, count: count, about: wanted) } ?? 0
        }
        #expect(moved >= 1 && moved <= count)
        #expect(Set(values.prefix(moved)) == Set(sorted.prefix(moved)))
    }

    @Test(arguments: [0, 1, 2, 23, 24, 25, 100, 1_000, 5_000])
    func sortDescendingSorts(count: Int) {
        var random = SplitMix64(seed: UInt64(count) &+ 7)
        for distinct in [UInt64(3), 1 << 40] {  // many duplicates, and nearly distinct keys
            var values = (0..<count).map { _ in UInt64.random(in: 0..<distinct, using: &random) }
            let expected = values.sorted(by: >)
            values.withUnsafeMutableBufferPointer { buffer in
                if let base = buffer.baseAddress { sortDescending(base, count: buffer.count) }
            }
            #expect(values == expected)
        }
    }
}

/// A table that only gained pairs, solved again from the previous solve's state (the candidate
/// assignment does this after each pricing round): the same optimum, with a certificate.
@Suite struct AssignmentWarmStartTests {
    /// A sub-table of `full`: each row keeps a random share of its pairs; `changed` lists the rows
    /// that lost any (and so gain pairs going back to `full`).
    func thinned(_ full: SparseScores, seed: UInt64) -> (SparseScores, changed: [Int]) {
        var random = SplitMix64(seed: seed)
        var triples: [(row: Int, column: Int, score: Double)] = []
        var changed: [Int] = []
        for row in 0..<full.rowCount {
            let keepShare = [1.0, 1.0, 0.5, 0.2][Int.random(in: 0..<4, using: &random)]
            var lost = false
            for index in full.rowStart[row]..<full.rowStart[row + 1] {
                if Double.random(in: 0..<1, using: &random) < keepShare {
                    triples.append((row, Int(full.columns[index]), full.scores[index]))
                } else {
                    lost = true
                }
            }
            if lost { changed.append(row) }
        }
        let table = (try? SparseScores(rowCount: full.rowCount, columnCount: full.columnCount, triples: triples))
            ?? InstanceFactory.emptyTable(rows: full.rowCount, columns: full.columnCount)
        return (table, changed)
    }

    @Test(arguments: 0..<20)
    func smallTablesMatchExhaustiveSearch(batch: Int) {
        for offset in 0..<100 {
            let seed = UInt64(900_000 + batch * 1_000 + offset)
            let full = InstanceFactory.small(seed: seed, maxRows: 7, maxColumns: 9)
            let (part, changed) = thinned(full, seed: seed)
            let previous = AssignmentSolver.maximize(part)
            let warm = AssignmentSolver.maximize(full, from: previous, changedRows: changed)
            expectValidMatching(warm, full)
            #expect(warm.scaledTotal == exhaustiveOptimum(full), "seed \(seed)")
            #expect(warm.isOptimal(for: full), "certificate fails for seed \(seed)")
        }
    }

    @Test(arguments: [(200, 400, 0.1), (300, 300, 0.2), (100, 2_000, 0.05)] as [(Int, Int, Double)])
    func correlatedMarketsMatchAColdSolve(rows: Int, columns: Int, density: Double) {
        let full = InstanceFactory.correlated(seed: UInt64(rows + columns), rows: rows, columns: columns, density: density)
        let (part, changed) = thinned(full, seed: 7)
        let warm = AssignmentSolver.maximize(full, from: AssignmentSolver.maximize(part), changedRows: changed)
        #expect(warm.scaledTotal == AssignmentSolver.maximize(full).scaledTotal)
        #expect(warm.isOptimal(for: full))
    }
}
