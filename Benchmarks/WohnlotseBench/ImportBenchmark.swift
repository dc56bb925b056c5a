import Foundation
import ListingImport

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
