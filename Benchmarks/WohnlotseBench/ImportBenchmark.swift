import Foundation
import ListingImport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `WohnlotseBench import-parse [--listings N] [--engine fast|xmlparser|both] [--keep]`
///
/// Generates OpenImmo feeds with `OpenImmoFeedGenerator` (N/5 and N listings, default 100,000)
/// into a temp directory, streams each through `OpenImmoParser` with both engines (FastXMLReader,
/// then XMLParser), and prints size, time, throughput and peak RSS; for the larger feed also
/// XMLParser with an empty delegate, the most any XMLParser-based parser could reach. Peak RSS is process-wide and only grows, so the smaller feed runs
/// first: if the parser is flat, the second figure stays close to the first.
/// Goal from the issue: parse ≥ 60 MB/s; memory flat as the feed grows.
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
            print("OpenImmo parse benchmark, release build: OpenImmoParser with FastXMLReader (default) and with XMLParser(stream:)")
            print("baseline peak RSS before parsing: \(peakRSSMiB()) MiB")
            for count in [max(1, listings / 5), listings] {
                let file = directory.appendingPathComponent("feed-\(count).xml")
                let bytes = try OpenImmoFeedGenerator(seed: 42).write(listings: count, to: file)
                let clock = ContinuousClock()
                for engine in engines {
                    var upserts = 0
                    var summary: FeedSummary?
                    let elapsed = try clock.measure {
                        summary = try OpenImmoParser(engine: engine).parse(fileAt: file, source: "bench") { record in
                            if case .upsert = record { upserts += 1 }
                        }
                    }
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    let megabytes = Double(bytes) / 1_000_000
                    print(
                        String(
                            format: "%7d listings  %7.1f MB  %6.2f s  %6.1f MB/s  %8.0f listings/s  peak RSS %4d MiB  ",
                            count, megabytes, seconds, megabytes / seconds, Double(count) / seconds, peakRSSMiB())
                        + "\(engine == .automatic ? "FastXMLReader" : "XMLParser    ") (\(upserts) upserts, \(summary?.diagnostics.count ?? -1) diagnostics)")
                }
                let megabytes = Double(bytes) / 1_000_000
                if count == listings && engines.contains(.foundation) {
                    // The ceiling: the same file through XMLParser with a delegate that does nothing.
                    let ceiling = clock.measure {
                        let parser = XMLParser(stream: InputStream(url: file) ?? InputStream(data: Data()))
                        let delegate = NullDelegate()
                        parser.delegate = delegate
                        _ = parser.parse()
                    }
                    let ceilingSeconds = Double(ceiling.components.seconds) + Double(ceiling.components.attoseconds) / 1e18
                    print(
                        String(
                            format: "%7d listings  %7.1f MB  %6.2f s  %6.1f MB/s  XMLParser alone, empty delegate (ceiling)",
                            count, megabytes, ceilingSeconds, megabytes / ceilingSeconds))
                }
                try? FileManager.default.removeItem(at: file)
            }
        } catch {
            print("benchmark failed: \(error)")
            exit(1)
        }
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
