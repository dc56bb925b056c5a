import ArgumentParser
import Foundation
import HousingDomain
import HousingStore
import ListingImport
import RuleBook

#if canImport(Glibc)
    import Glibc
#endif

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Pull listings from the sources in Imports/sources.yaml (run daily from cron).",
        discussion: """
            Each source is fetched (conditional GET: an unchanged feed costs nothing), parsed, and \
            reconciled in one transaction: new, changed, unchanged and gone listings, and the same flat \
            on two sources linked as a duplicate. A source that fails leaves its listings as they were. \
            Exit status 0 only when every enabled source succeeded.
            """,
        subcommands: [Run.self, History.self, Health.self],
        defaultSubcommand: Run.self)

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import now (the default).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this source.") var source: String?
        @Option(help: "The sources file.") var sources = "Imports/sources.yaml"
        @Flag(help: "Print only problems (for cron mail).") var quiet = false
        @Option(help: "Seconds without data before a request is given up.") var timeout: Double = 30
        @Option(help: "Attempts per source for timeouts and server errors.") var attempts = 3

        func validate() throws {
            guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
            guard (1...10).contains(attempts) else { throw ValidationError("--attempts must be 1 to 10") }
        }

        func run() async throws {
            let configs = try loadSources()
            var selected = configs
            if let source {
                selected = configs.filter { $0.name == source }
                guard !selected.isEmpty else {
                    throw CommandFailure(description: "unknown source '\(source)': \(sources) names \(configs.map(\.name).joined(separator: ", "))")
                }
            }
            let (db, actor) = try global.session("import")
            let book = try global.ruleBook()
            let reports = try await ImportJob.perform(db: db, actor: actor, book: book, sources: selected, global: global, timeout: timeout, attempts: attempts)
            var failed = 0
            for report in reports {
                let run = report.run
                if !report.succeeded {
                    failed += 1
                    FileHandle.standardError.write(Data("FAILED \(run.source): \(run.error ?? "unknown error")\n".utf8))
                    continue
                }
                if !quiet || run.warnings > 0 || run.skipped > 0 {
                    print(ImportReportText.line(run))
                    for line in run.diagnostics.prefix(quiet ? 20 : 10) { print("    \(line)") }
                    if run.diagnostics.count > 10 { print("    … \(run.diagnostics.count - 10) more: wohnlotse import history --source \(run.source)") }
                }
            }
            if selected.allSatisfy({ !$0.enabled }) && !quiet { print("No enabled source in \(sources).") }
            if failed > 0 {
                throw CommandFailure(description: "\(failed) of \(reports.count) sources failed; their listings are unchanged (see above)")
            }
        }

        func loadSources() throws -> [SourceConfig] {
            do {
                return try ImportSources.load(from: URL(fileURLWithPath: sources))
            } catch {
                throw CommandFailure(description: "\(error)")
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recent import runs, newest first: what the admin reads in the morning.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this source.") var source: String?
        @Option(help: "How many runs.") var limit = 20
        @Flag(help: "Show each run's diagnostics.") var diagnostics = false

        func run() throws {
            let (db, _) = try global.session("import history")
            let runs = try db.importRuns(source: source, limit: limit)
            try global.emit(runs) {
                print(Output.table(["finished", "source", "outcome", "HTTP", "new", "changed", "same", "gone", "dup", "skipped", "warnings"], runs.map {
                    [String($0.finishedAt.prefix(19)), $0.source, $0.outcome.rawValue, $0.httpStatus.map(String.init) ?? "-", String($0.counts.new),
                     String($0.counts.changed), String($0.counts.unchanged), String($0.counts.gone), String($0.counts.duplicates),
                     String($0.skipped), String($0.warnings)]
                }))
                for run in runs where run.error != nil || (diagnostics && !run.diagnostics.isEmpty) {
                    print("\n\(run.source) at \(run.finishedAt):")
                    if let error = run.error { print("  error: \(error)") }
                    if diagnostics { for line in run.diagnostics { print("  \(line)") } }
                }
            }
        }
    }

    struct Health: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sources that failed or brought nothing for N days (exit 1 if any).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The sources file.") var sources = "Imports/sources.yaml"
        @Option(help: "Days to look back.") var days = 3

        func run() throws {
            let configs: [SourceConfig]
            do { configs = try ImportSources.load(from: URL(fileURLWithPath: sources)) } catch { throw CommandFailure(description: "\(error)") }
            let (db, _) = try global.session("import health")
            let health = try db.importHealth(sources: configs.filter(\.enabled).map(\.name), days: days)
            try global.emit(health) {
                print(Output.table(["source", "last success", "last attempt", "status"], health.map {
                    [$0.source, $0.lastSuccess.map { String($0.prefix(19)) } ?? "never", $0.lastAttempt.map { String($0.prefix(19)) } ?? "never", $0.problem ?? "ok"]
                }))
            }
            let problems = health.filter { $0.problem != nil }
            if !problems.isEmpty {
                throw CommandFailure(description: "\(problems.count) source(s) need attention: \(problems.map(\.source).joined(separator: ", "))")
            }
        }
    }
}

/// One import under the cron lock. Shared by `import` and `demo`.
enum ImportJob {
    static func perform(db: AppDatabase, actor: Actor, book: RuleBook, sources: [SourceConfig], global: GlobalOptions, timeout: Double = 30, attempts: Int = 3) async throws -> [SourceReport] {
        // One refusal up front (who may import), not one failed source after another.
        try db.requireImport(by: actor)
        let lock: ImportLock
        do {
            lock = try ImportLock(databasePath: global.databasePath)
        } catch let busy as ImportBusy {
            FileHandle.standardError.write(Data("\(busy.description)\n".utf8))
            throw ExitCode(75)
        }
        defer { lock.release() }
        var options = FetchOptions()
        options.idleTimeout = timeout
        options.maxAttempts = attempts
        let importer = ListingImporter(
            database: db, actor: actor, fetcher: HTTPFetcher(options: options), resolver: GazetteerResolver(gazetteer: book.gazetteer),
            today: global.today)
        return await importer.run(sources)
    }
}

enum ImportReportText {
    static func line(_ run: ImportRunRecord) -> String {
        switch run.outcome {
        case .notModified:
            return "\(run.source): not modified since the last run (HTTP 304)"
        case .failed:
            return "\(run.source): FAILED: \(run.error ?? "")"
        case .imported:
            let c = run.counts
            var text = "\(run.source): \(c.new) new, \(c.changed) changed, \(c.unchanged) unchanged, \(c.gone) gone, \(c.duplicates) duplicates"
            if run.skipped > 0 { text += ", \(run.skipped) skipped" }
            if run.warnings > 0 { text += ", \(run.warnings) warnings" }
            text += " (\(run.scope == "partial" ? "delta" : "full stock"), \(run.bytes / 1024) KiB\(run.httpStatus.map { ", HTTP \($0)" } ?? ""))"
            return text
        }
    }
}

/// Resolves feed addresses through the gazetteer: postal code and place, else a postal code that
/// belongs to one municipality only. Public for the import benchmark, which geocodes as cron does.
public struct GazetteerResolver: PlaceResolver {
    let gazetteer: Gazetteer

    public init(gazetteer: Gazetteer) { self.gazetteer = gazetteer }

    public func resolve(_ address: Address) -> (municipality: MunicipalityKey, coordinate: Coordinate)? {
        guard let postalCode = address.postalCode else { return nil }
        if let place = address.place, let entry = try? gazetteer.resolve(postalCode: postalCode, place: place) {
            return (entry.municipality, entry.coordinate)
        }
        let candidates = gazetteer.entries.filter { $0.postalCode == postalCode }
        guard let first = candidates.first, Set(candidates.map(\.municipality)).count == 1 else { return nil }
        return (first.municipality, first.coordinate)
    }

    public func isInServiceRegion(_ municipality: MunicipalityKey) -> Bool { municipality.districtCode == "01057" }
}

/// An exclusive lock beside the database, so two overlapping cron runs cannot both import.
final class ImportLock {
    private let fd: Int32
    let path: String

    init(databasePath: String) throws {
        path = databasePath + ".import-lock"
        fd = open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw CommandFailure(description: "cannot create the lock file \(path): check the folder's permissions") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 200)
            let n = pread(fd, &buffer, 199, 0)
            let holder = n > 0 ? String(decoding: buffer.prefix(Int(n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "another process"
            close(fd)
            throw ImportBusy(description: "another import is running (\(holder)); this run did nothing. If no import is running, the lock is released automatically.")
        }
        let note = "pid \(getpid()), started \(Date().formatted(.iso8601))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    func release() {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Another import holds the lock: exit 75 (temporary failure) so cron retries next time.
struct ImportBusy: Error, CustomStringConvertible {
    var description: String
}
