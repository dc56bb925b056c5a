import Foundation
import HousingDomain
import HousingStore
import ListingImport
import RuleBook
import WohnlotseCommands

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `WohnlotseBench import-parse [--listings N] [--engine fast|xmlparser|both] [--keep]`
///
/// Generates OpenImmo feeds with `OpenImmoFeedGenerator` (N/5 and N listings, default 100,000)
/// into a temp directory and streams each through `OpenImmoParser` with the chosen engines
/// (default both: FastXMLReader, then XMLParser). Prints size, wall time, throughput by wall time
/// and by CPU time (the machine is shared, so CPU time is the steadier figure), listings/s and
/// peak RSS. For the larger feed it also runs XMLParser with an empty delegate: the most any
/// XMLParser-based parser could reach. Peak RSS only grows, so the smaller feed runs first: if
/// parsing is flat, the figure for the larger feed stays the same.
/// Goals from the issue: parse ≥ 60 MB/s; memory flat as the feed grows.
enum ImportBenchmark {
    static func run(arguments: [String]) {
        var listings = 100_000
        var keep = false
        var engines: [OpenImmoParser.Engine] = [.automatic, .foundation]
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--listings":
                index += 1
                guard index < arguments.count, let value = Int(arguments[index]), value > 0 else {
                    print("--listings needs a positive number")
                    exit(2)
                }
                listings = value
            case "--keep": keep = true
            case "--engine":
                index += 1
                switch index < arguments.count ? arguments[index] : "" {
                case "fast": engines = [.automatic]
                case "xmlparser": engines = [.foundation]
                case "both": engines = [.automatic, .foundation]
                default:
                    print("--engine takes fast, xmlparser or both")
                    exit(2)
                }
            default:
                print("unknown option \(arguments[index]); usage: import-parse [--listings N] [--engine fast|xmlparser|both] [--keep]")
                exit(2)
            }
            index += 1
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("wohnlotse-bench-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
            print("OpenImmo parse benchmark (release build); peak RSS before parsing: \(peakRSSMiB()) MiB")
            print(" listings       MB   wall s  MB/s wall  MB/s CPU  listings/s CPU  peak RSS  engine")
            for count in [max(1, listings / 5), listings] {
                let file = directory.appendingPathComponent("feed-\(count).xml")
                let bytes = try OpenImmoFeedGenerator(seed: 42).write(listings: count, to: file)
                let megabytes = Double(bytes) / 1_000_000
                func report(_ name: String, _ time: (wall: Double, cpu: Double), listings: Int?) {
                    let perSecond = listings.map { String(format: "%14.0f", Double($0) / time.cpu) } ?? String(repeating: " ", count: 13) + "-"
                    print(
                        String(format: "%8d  %7.1f  %7.2f  %9.1f  %8.1f ", count, megabytes, time.wall, megabytes / time.wall, megabytes / time.cpu)
                            + " \(perSecond)  \(String(format: "%4d", peakRSSMiB())) MiB  \(name)")
                }
                for engine in engines {
                    var upserts = 0
                    var summary: FeedSummary?
                    let time = try measure {
                        summary = try OpenImmoParser(engine: engine).parse(fileAt: file, source: "bench") { record in
                            if case .upsert = record { upserts += 1 }
                        }
                    }
                    guard upserts == count, summary?.diagnostics.isEmpty == true else {
                        print("unexpected result: \(upserts) of \(count) listings, \(summary?.diagnostics.count ?? -1) diagnostics")
                        exit(1)
                    }
                    report(engine == .automatic ? "OpenImmoParser, FastXMLReader" : "OpenImmoParser, XMLParser(stream:)", time, listings: count)
                }
                if count == listings && engines.contains(.foundation) {
                    let time = try measure {
                        let parser = XMLParser(stream: InputStream(url: file) ?? InputStream(data: Data()))
                        let delegate = NullDelegate()
                        parser.delegate = delegate
                        _ = parser.parse()
                    }
                    report("XMLParser alone, empty delegate (ceiling for XMLParser)", time, listings: nil)
                }
                try? FileManager.default.removeItem(at: file)
            }
        } catch {
            print("benchmark failed: \(error)")
            exit(1)
        }
    }

    /// Wall-clock and process CPU seconds of `body`.
    static func measure(_ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
        let clock = ContinuousClock()
        let cpuStart = cpuSeconds()
        let elapsed = try clock.measure(body)
        let cpu = cpuSeconds() - cpuStart
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (wall, max(cpu, 1e-9))
    }

    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// VmHWM (peak resident set) from /proc/self/status, in MiB; 0 where unavailable.
    static func peakRSSMiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes / 1024
        }
        return 0
    }
}

private final class NullDelegate: NSObject, XMLParserDelegate {}

/// `WohnlotseBench import-e2e [--listings N] [--keep]`
///
/// The whole daily import of one OpenImmo file source into a fresh SQLite file (WAL, as
/// `wohnlotse init` makes it), through `ListingImporter` exactly as `wohnlotse import` runs it,
/// geocoding through the gazetteer in `Rules/` (`GazetteerResolver`, as cron does). The timed region
/// is one `importSource` call: fetch (file://), parse, normalise, geocode, reconcile, the run log, the
/// audit entry and the commit. Not timed: writing the generated feed, and loading `Rules/` (once per
/// cron run, shared by all sources). For N/4 and N listings (default 100,000), three runs on the
/// same database: the first import (all new), the same feed again (all unchanged), and a feed in
/// which every 10th flat comes from another seed (10 % changed, with new prices). Prints time,
/// listings/s by wall and CPU time, MB/s of feed, and the peak RSS of each run (VmHWM, reset
/// through /proc/self/clear_refs before each run where the kernel allows it; otherwise the
/// process peak, which only grows, so the smaller feed runs first).
/// The importer parses on one thread while SQLite writes on another, so CPU time is the sum of
/// both: with two free cores the wall time is below it; on a busy machine it is not.
/// Goal from the issue: end-to-end ≥ 50,000 listings/s; memory flat as the feed grows.
enum ImportEndToEndBenchmark {
    static func run(arguments: [String]) async {
        var listings = 100_000
        var keep = false
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--listings":
                index += 1
                guard index < arguments.count, let value = Int(arguments[index]), value > 0 else {
                    print("--listings needs a positive number")
                    exit(2)
                }
                listings = value
            case "--keep": keep = true
            default:
                print("unknown option \(arguments[index]); usage: import-e2e [--listings N] [--keep]")
                exit(2)
            }
            index += 1
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("wohnlotse-e2e-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let book = try RuleBook.load(directory: root.appendingPathComponent("Rules"))
            let resolver = GazetteerResolver(gazetteer: book.gazetteer)
            let resets = resetPeakRSS()
            print("OpenImmo end-to-end import benchmark (release build, file source into a fresh SQLite file)")
            print("timed per run: fetch (file://), parse, normalise, geocode (gazetteer), reconcile, run log, audit, commit")
            print("parsing and SQLite run on two threads: CPU s is the sum of both (wall s is lower only where two cores are free)")
            print("peak RSS is \(resets ? "per run (VmHWM reset before each run)" : "the process peak so far (VmHWM could not be reset)")")
            print(" listings  run        new  changed  unchanged     MB   wall s   CPU s  listings/s wall  listings/s CPU  MB/s wall  peak RSS")
            for count in [max(1, listings / 4), listings] {
                try await runSeries(count: count, in: directory, resolver: resolver)
            }
        } catch {
            print("benchmark failed: \(error)")
            exit(1)
        }
    }

    /// First import, unchanged repeat and 10 % changed, on one fresh database.
    static func runSeries(count: Int, in directory: URL, resolver: any PlaceResolver) async throws {
        let database = try AppDatabase.open(path: directory.appendingPathComponent("e2e-\(count).sqlite").path, create: true)
        try database.bootstrap(adminName: "admin")
        let actor = try database.actor(named: "admin", command: "import")
        let base = OpenImmoFeedGenerator(seed: 42)
        let other = OpenImmoFeedGenerator(seed: 4242)
        let feed = directory.appendingPathComponent("feed-\(count).xml")
        let changedFeed = directory.appendingPathComponent("feed-\(count)-changed.xml")
        let bytes = try writeFeed(count: count, to: feed) { base.listingXML(index: $0) }
        let changedBytes = try writeFeed(count: count, to: changedFeed) { $0 % 10 == 0 ? other.listingXML(index: $0) : base.listingXML(index: $0) }
        let tenth = (count + 9) / 10
        let runs: [(name: String, file: URL, bytes: Int, day: String, expected: ReconcileCounts)] = [
            ("first", feed, bytes, "2026-03-01", counts(new: count)),
            ("unchanged", feed, bytes, "2026-03-02", counts(unchanged: count)),
            ("10% changed", changedFeed, changedBytes, "2026-03-03", counts(changed: tenth, unchanged: count - tenth)),
        ]
        for run in runs {
            guard let today = CalendarDate(iso: run.day) else { return }
            let importer = ListingImporter(database: database, actor: actor, resolver: resolver, today: today, environment: [:])
            let source = SourceConfig(name: "bench", location: .file(run.file), format: .openimmo)
            _ = resetPeakRSS()
            var report: SourceReport?
            let time = try await measure { report = await importer.importSource(source) }
            // No warnings: every generated place is in the gazetteer, so every flat was geocoded.
            guard let report, report.succeeded, report.run.counts == run.expected, report.run.skipped == 0, report.run.warnings == 0 else {
                print("unexpected result for \(run.name): \(report.map { "\($0.run.counts), error \($0.run.error ?? "none"), \($0.run.diagnostics.prefix(3))" } ?? "no report")")
                exit(1)
            }
            let c = report.run.counts
            let megabytes = Double(run.bytes) / 1_000_000
            let name = run.name.padding(toLength: 11, withPad: " ", startingAt: 0)
            print(
                String(format: "%9d  ", count) + name
                    + String(
                        format: " %6d  %7d  %9d  %5.1f  %7.2f  %6.2f  %15.0f  %14.0f  %9.1f  %4d MiB",
                        c.new, c.changed, c.unchanged, megabytes, time.wall, time.cpu,
                        Double(count) / time.wall, Double(count) / time.cpu, megabytes / time.wall, ImportBenchmark.peakRSSMiB()))
        }
        try? FileManager.default.removeItem(at: feed)
        try? FileManager.default.removeItem(at: changedFeed)
    }

    static func counts(new: Int = 0, changed: Int = 0, unchanged: Int = 0) -> ReconcileCounts {
        var counts = ReconcileCounts()
        counts.new = new
        counts.changed = changed
        counts.unchanged = unchanged
        return counts
    }

    /// Writes a full OpenImmo transfer whose flat `i` is `listing(i)`, in 256 KiB chunks; returns its size in bytes.
    static func writeFeed(count: Int, to url: URL, listing: (Int) -> String) throws -> Int {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var buffer = OpenImmoFeedGenerator().header()
        var total = 0
        func flush() throws {
            let data = Data(buffer.utf8)
            total += data.count
            try handle.write(contentsOf: data)
            buffer.removeAll(keepingCapacity: true)
        }
        for index in 0..<count {
            buffer += listing(index)
            if buffer.utf8.count >= 1 << 18 { try flush() }
        }
        buffer += "  </anbieter>\n</openimmo>\n"
        try flush()
        return total
    }

    /// Wall-clock and process CPU seconds of `body`.
    static func measure(_ body: () async throws -> Void) async throws -> (wall: Double, cpu: Double) {
        let clock = ContinuousClock()
        let cpuStart = ImportBenchmark.cpuSeconds()
        let start = clock.now
        try await body()
        let elapsed = clock.now - start
        let cpu = ImportBenchmark.cpuSeconds() - cpuStart
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (wall, max(cpu, 1e-9))
    }

    /// Resets VmHWM to the current RSS (Linux ≥ 4.0: writing 5 to /proc/self/clear_refs).
    static func resetPeakRSS() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }
}
