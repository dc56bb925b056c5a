import Foundation
import Matching

/// `WohnlotseBench assignment [--households 2000 --listings 20000 --density 0.10 --seed 1 --runs 5
///  --scipy-runs 3 --no-scipy --large-households 50000 --large-listings 500000 --min-candidates 50
///  --max-candidates 200 --no-large --clamped]`
///
/// 1. The correlated market: every flat has a quality `q_j ~ U[0,1)`, every feasible pair (probability
///    `density`) scores `0.9·q_j + 0.1·noise_ij`, so all households want the same good flats. Times our
///    solver (best and median of `runs`) and, in the same run, scipy's `linear_sum_assignment` on the dense
///    matrix via `Benchmarks/scripts/scipy_assignment.py`; prints both times, the speed-up and both totals.
///    `--clamped` uses `clamp(q_j + N(0, 0.05²))` instead: many scores saturate at 1, which makes the
///    instance much easier for scipy (ties at the top).
/// 2. A large sparse market (`large-households` × `large-listings`, each household with a uniform number of
///    candidates in `min…max-candidates`): time and peak resident memory.
enum AssignmentBenchmark {
    struct Options {
        var households = 2_000
        var listings = 20_000
        var density = 0.10
        var clamped = false
        var seed: UInt64 = 1
        var runs = 5
        var scipyRuns = 3
        var scipy = true
        var large = true
        var largeHouseholds = 50_000
        var largeListings = 500_000
        var minCandidates = 50
        var maxCandidates = 200
    }

    static func run(_ arguments: [String]) {
        guard let options = parse(arguments) else {
            print("usage: WohnlotseBench assignment [--households N] [--listings N] [--density D] [--seed S]")
            print("       [--runs N] [--scipy-runs N] [--no-scipy] [--large-households N] [--large-listings N]")
            print("       [--min-candidates N] [--max-candidates N] [--no-large] [--clamped]")
            return
        }
        correlated(options)
        if options.large { large(options) }
    }

    // MARK: - Correlated instance, side by side with scipy

    static func correlated(_ options: Options) {
        let model = options.clamped ? "clamp(q_j + N(0, 0.05²)) — many ties at 1" : "0.9·q_j + 0.1·U[0,1)"
        print("== Assignment: correlated market \(options.households) households × \(options.listings) flats, "
            + "density \(options.density), score \(model), seed \(options.seed)")
        var table: SparseScores?
        let generation = ContinuousClock().measure {
            table = correlatedInstance(options)
        }
        guard let table else { print("instance generation failed"); return }
        print("instance: \(table.edgeCount) feasible pairs (\(format(Double(table.edgeCount) / 1e6, 2)) M), "
            + "generated in \(ms(generation)) ms")

        let (assignment, times) = timeSolver(table, runs: options.runs)
        let ours = summary(times)
        print("ours:  best \(format(ours.best, 2)) ms, median \(format(ours.median, 2)) ms over \(options.runs) runs; "
            + "total \(format(assignment.total, 6)) (score units), \(assignment.assignedCount) households assigned")
        let certified = assignment.isOptimal(for: table)
        print("ours:  LP optimality certificate \(certified ? "holds" : "FAILS")")

        guard options.scipy else { print("scipy: skipped (--no-scipy)"); return }
        guard let scipy = runScipy(table, runs: options.scipyRuns) else { return }
        let speedUpBest = scipy.best * 1_000 / ours.best
        let speedUpMedian = scipy.median * 1_000 / ours.median
        print("scipy: best \(format(scipy.best * 1_000, 2)) ms, median \(format(scipy.median * 1_000, 2)) ms over "
            + "\(options.scipyRuns) runs (linear_sum_assignment, scipy \(scipy.version), dense matrix); "
            + "total \(format(scipy.total, 6)) (score units), \(scipy.assigned) households on positive pairs")
        print("speed-up: \(format(speedUpBest, 1))× (best vs best), \(format(speedUpMedian, 1))× (median vs median)")
        let difference = abs(scipy.total - assignment.total)
        let tolerance = 1e-9 * Double(max(1, table.rowCount))
        print("totals agree: \(difference <= tolerance ? "yes" : "NO") (|difference| = \(format(difference, 12)) "
            + "score units, tolerance \(format(tolerance, 12)))")
    }

    static func correlatedInstance(_ options: Options) -> SparseScores? {
        var random = BenchRandom(seed: options.seed)
        let quality = (0..<options.listings).map { _ in random.unit() }
        var rowStart = [0]
        var columns: [Int32] = []
        var scores: [Double] = []
        let expected = Int(Double(options.households) * Double(options.listings) * options.density * 1.05)
        columns.reserveCapacity(expected)
        scores.reserveCapacity(expected)
        rowStart.reserveCapacity(options.households + 1)
        for _ in 0..<options.households {
            for column in 0..<options.listings where random.unit() < options.density {
                columns.append(Int32(column))
                if options.clamped {
                    scores.append(min(1, max(0, quality[column] + 0.05 * random.gaussian())))
                } else {
                    scores.append(0.9 * quality[column] + 0.1 * random.unit())
                }
            }
            rowStart.append(columns.count)
        }
        return try? SparseScores(
            rowCount: options.households, columnCount: options.listings, rowStart: rowStart, columns: columns,
            scores: scores)
    }

    // MARK: - Large sparse instance: time and peak memory

    static func large(_ options: Options) {
        print("== Assignment: large sparse market \(options.largeHouseholds) households × \(options.largeListings) "
            + "flats, \(options.minCandidates)–\(options.maxCandidates) candidates per household, seed \(options.seed)")
        resetPeakMemory()
        let before = peakResidentMiB()
        var table: SparseScores?
        let generation = ContinuousClock().measure { table = largeInstance(options) }
        guard let table else { print("instance generation failed"); return }
        let inputMiB = Double(table.edgeCount * 12 + (table.rowCount + 1) * 8) / 1_048_576
        print("instance: \(table.edgeCount) feasible pairs (\(format(Double(table.edgeCount) / 1e6, 2)) M, "
            + "\(format(inputMiB, 1)) MiB as CSR), generated in \(ms(generation)) ms")
        let afterInput = peakResidentMiB()
        let runs = max(1, min(options.runs, 3))
        let (assignment, times) = timeSolver(table, runs: runs)
        let ours = summary(times)
        let peak = peakResidentMiB()
        print("ours:  best \(format(ours.best, 1)) ms, median \(format(ours.median, 1)) ms over \(runs) runs; "
            + "total \(format(assignment.total, 6)) (score units), \(assignment.assignedCount) households assigned")
        print("ours:  LP optimality certificate \(assignment.isOptimal(for: table) ? "holds" : "FAILS")")
        if let before, let afterInput, let peak {
            print("memory: peak RSS \(format(peak, 1)) MiB (VmHWM; \(format(before, 1)) MiB before the instance, "
                + "\(format(afterInput, 1)) MiB with the instance, so the solver adds ≤ \(format(peak - afterInput, 1)) MiB)")
        } else {
            print("memory: peak RSS unavailable (no /proc/self/status)")
        }
    }

    static func largeInstance(_ options: Options) -> SparseScores? {
        var random = BenchRandom(seed: options.seed &+ 0x5EED)
        let quality = (0..<options.largeListings).map { _ in random.unit() }
        var rowStart = [0]
        var columns: [Int32] = []
        var scores: [Double] = []
        let average = (options.minCandidates + options.maxCandidates) / 2
        columns.reserveCapacity(options.largeHouseholds * average + 1)
        scores.reserveCapacity(options.largeHouseholds * average + 1)
        var stamp = [Int32](repeating: -1, count: options.largeListings)
        let span = UInt64(max(0, options.maxCandidates - options.minCandidates) + 1)
        for row in 0..<options.largeHouseholds {
            let wanted = min(options.largeListings, options.minCandidates + Int(random.next() % span))
            var picked = 0
            while picked < wanted {
                let column = Int(random.next() % UInt64(options.largeListings))
                guard stamp[column] != Int32(row) else { continue }
                stamp[column] = Int32(row)
                columns.append(Int32(column))
                scores.append(0.9 * quality[column] + 0.1 * random.unit())
                picked += 1
            }
            rowStart.append(columns.count)
        }
        return try? SparseScores(
            rowCount: options.largeHouseholds, columnCount: options.largeListings, rowStart: rowStart,
            columns: columns, scores: scores)
    }

    // MARK: - Helpers

    static func timeSolver(_ table: SparseScores, runs: Int) -> (Assignment, [Duration]) {
        let clock = ContinuousClock()
        var began = clock.now
        var result = AssignmentSolver.maximize(table)
        var times = [clock.now - began]
        for _ in 1..<max(1, runs) {
            began = clock.now
            result = AssignmentSolver.maximize(table)
            times.append(clock.now - began)
        }
        return (result, times)
    }

    struct ScipyResult {
        var best: Double
        var median: Double
        var total: Double
        var assigned: Int
        var version: String
    }

    static func runScipy(_ table: SparseScores, runs: Int) -> ScipyResult? {
        let script = scriptURL()
        guard FileManager.default.fileExists(atPath: script.path) else {
            print("scipy: skipped, script not found at \(script.path)")
            return nil
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wohnlotse-assignment-\(ProcessInfo.processInfo.processIdentifier).bin")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try instanceData(table).write(to: file)
        } catch {
            print("scipy: skipped, cannot write the instance: \(error)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, file.path, "--runs", String(runs)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            print("scipy: skipped, python3 is not available (\(error))")
            return nil
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            print("scipy: skipped, python3 gave no result (exit status \(process.terminationStatus))")
            return nil
        }
        if let error = object["error"] as? String {
            print("scipy: skipped, \(error)")
            return nil
        }
        guard let best = object["best_seconds"] as? Double, let median = object["median_seconds"] as? Double,
            let total = object["total"] as? Double
        else {
            print("scipy: skipped, unexpected output")
            return nil
        }
        return ScipyResult(
            best: best, median: median, total: total, assigned: object["assigned_positive"] as? Int ?? -1,
            version: object["scipy"] as? String ?? "?")
    }

    /// The instance in the little-endian CSR layout `scipy_assignment.py` reads.
    static func instanceData(_ table: SparseScores) -> Data {
        var data = Data()
        data.reserveCapacity(24 + 8 * (table.rowCount + 1) + 12 * table.edgeCount)
        func append<T>(_ values: [T]) {
            values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        append([Int64(table.rowCount), Int64(table.columnCount), Int64(table.edgeCount)].map(\.littleEndian))
        append(table.rowStart.map { Int64($0).littleEndian })
        append(table.columns.map(\.littleEndian))
        append(table.scores.map { $0.bitPattern.littleEndian })
        return data
    }

    static func scriptURL() -> URL {
        let here = URL(fileURLWithPath: #filePath)
        let beside = here.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/scipy_assignment.py")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("Benchmarks/scripts/scipy_assignment.py")
    }

    /// Resets the kernel's peak-RSS counter (Linux: write 5 to /proc/self/clear_refs); ignored elsewhere.
    static func resetPeakMemory() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// Peak resident set size (VmHWM) in MiB, or nil where /proc is missing.
    static func peakResidentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kib = Double(fields[1]) { return kib / 1_024 }
        }
        return nil
    }

    static func summary(_ times: [Duration]) -> (best: Double, median: Double) {
        let millis = times.map { Double($0.components.seconds) * 1_000 + Double($0.components.attoseconds) / 1e15 }
            .sorted()
        return (millis.first ?? 0, millis.isEmpty ? 0 : millis[millis.count / 2])
    }

    static func ms(_ duration: Duration) -> String { format(summary([duration]).best, 1) }

    static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var index = 0
        func value() -> String? {
            index += 1
            return index < arguments.count ? arguments[index] : nil
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--households": guard let v = value().flatMap({ Int($0) }), v >= 0 else { return nil }; options.households = v
            case "--listings": guard let v = value().flatMap({ Int($0) }), v >= 0 else { return nil }; options.listings = v
            case "--density": guard let v = value().flatMap({ Double($0) }), v >= 0 else { return nil }; options.density = v
            case "--seed": guard let v = value().flatMap({ UInt64($0) }) else { return nil }; options.seed = v
            case "--runs": guard let v = value().flatMap({ Int($0) }), v > 0 else { return nil }; options.runs = v
            case "--scipy-runs": guard let v = value().flatMap({ Int($0) }), v > 0 else { return nil }; options.scipyRuns = v
            case "--no-scipy": options.scipy = false
            case "--clamped": options.clamped = true
            case "--no-large": options.large = false
            case "--large-households": guard let v = value().flatMap({ Int($0) }), v >= 0 else { return nil }; options.largeHouseholds = v
            case "--large-listings": guard let v = value().flatMap({ Int($0) }), v > 0 else { return nil }; options.largeListings = v
            case "--min-candidates": guard let v = value().flatMap({ Int($0) }), v >= 0 else { return nil }; options.minCandidates = v
            case "--max-candidates": guard let v = value().flatMap({ Int($0) }), v >= 0 else { return nil }; options.maxCandidates = v
            default: return nil
            }
            index += 1
        }
        guard options.minCandidates <= options.maxCandidates else { return nil }
        return options
    }
}

/// SplitMix64 for reproducible benchmark instances.
struct BenchRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 53 random bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Double {
        let radius = (-2 * Foundation.log(1 - unit())).squareRoot()
        return radius * Foundation.cos(2 * Double.pi * unit())
    }
}
