import Foundation
import GRDB
import HousingDomain
import HousingStore
import Hummingbird
import Logging
import NIOCore
import Testing

@testable import ListingImport

/// Runs `body` against a real HTTP server on 127.0.0.1 (a random free port), then stops it.
func withServer(_ configure: (Router<BasicRequestContext>) -> Void, _ body: (URL) async throws -> Void) async throws {
    let router = Router()
    configure(router)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: "test-feed-server")
    logger.logLevel = .critical
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }, logger: logger)
    let server = Task { try await app.runService(gracefulShutdownSignals: []) }
    var iterator = ports.makeAsyncIterator()
    let port = try #require(await iterator.next())
    do {
        try await body(try #require(URL(string: "http://127.0.0.1:\(port)")))
    } catch {
        server.cancel()
        _ = await server.result
        throw error
    }
    server.cancel()
    _ = await server.result
}

/// Counts requests and lets a route answer differently on each call.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    private var headers: [[String: String]] = []
    func next(_ request: Request) -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        var h: [String: String] = [:]
        for field in request.headers { h[field.name.canonicalName.lowercased()] = field.value }
        headers.append(h)
        return value
    }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
    var requests: [[String: String]] { lock.lock(); defer { lock.unlock() }; return headers }
}

/// An OpenImmo transfer of generated flats `indices`, plus DELETEs for `deleted` ids.
func openImmo(_ scope: TransferScope, _ indices: Range<Int>, deleted: [String] = [], seed: UInt64 = 7) -> String {
    let generator = OpenImmoFeedGenerator(seed: seed, scope: scope)
    var xml = generator.header()
    for i in indices { xml += generator.listingXML(index: i) }
    for id in deleted {
        xml += "    <immobilie><verwaltung_techn><objektnr_extern>\(id)</objektnr_extern><aktion aktionart=\"DELETE\"/></verwaltung_techn></immobilie>\n"
    }
    return xml + "  </anbieter>\n</openimmo>\n"
}

/// A database file, an admin actor and an importer with short timeouts for tests.
struct ImportHarness {
    let directory: URL
    let database: AppDatabase
    var actor: Actor
    var today = CalendarDate(iso: "2026-03-01")!

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("http-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try AppDatabase.open(path: directory.appendingPathComponent("w.sqlite").path, create: true)
        try database.bootstrap(adminName: "admin")
        actor = try database.actor(named: "admin", command: "import")
    }

    func importer(idleTimeout: Double = 5, attempts: Int = 3, maxBytes: Int = 200 << 20) -> ListingImporter {
        var options = FetchOptions()
        options.idleTimeout = idleTimeout
        options.maxAttempts = attempts
        options.initialBackoff = 0.05
        options.maxBytes = maxBytes
        return ListingImporter(database: database, actor: actor, fetcher: HTTPFetcher(options: options), resolver: nil, today: today, environment: [:])
    }

    func source(_ name: String, _ url: URL, format: FeedFormat = .openimmo) -> SourceConfig {
        SourceConfig(name: name, location: .http(url), format: format)
    }

    func listings(_ source: String? = nil) throws -> [Listing] {
        try database.listings(ListingFilter(source: source), by: actor).sorted { $0.externalID < $1.externalID }
    }

    func scalar(_ sql: String) throws -> Int {
        try database.writer.read { try Int.fetchOne($0, sql: sql) ?? 0 }
    }

    func offerableCount() throws -> Int {
        try database.writer.read { try Listing.all().offerable().fetchCount($0) }
    }

    func active(_ source: String) throws -> Set<String> {
        Set(try listings(source).filter { $0.status == .active }.map(\.externalID))
    }
}

@Suite(.serialized) struct HTTPImportTests {
    @Test func etagThen304ChangesNothing() async throws {
        let h = try ImportHarness()
        let counter = Counter()
        let feed = openImmo(.full, 0..<5)
        try await withServer({ router in
            router.get("feed") { request, _ -> Response in
                _ = counter.next(request)
                if request.headers[.ifNoneMatch] == "\"v1\"" { return Response(status: .notModified) }
                return Response(status: .ok, headers: [.eTag: "\"v1\"", .lastModified: "Sat, 28 Feb 2026 06:00:00 GMT"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: feed)))
            }
        }) { base in
            let source = h.source("co", base.appendingPathComponent("feed"))
            let first = await h.importer().importSource(source)
            #expect(first.run.outcome == .imported)
            #expect(first.run.counts.new == 5)
            #expect(first.run.httpStatus == 200)
            let before = try h.listings()
            let second = await h.importer().importSource(source)
            #expect(second.run.outcome == .notModified)
            #expect(second.run.httpStatus == 304)
            #expect(try h.listings() == before)
            #expect(counter.requests.last?["if-none-match"] == "\"v1\"")
            #expect(counter.requests.last?["if-modified-since"] == "Sat, 28 Feb 2026 06:00:00 GMT")
            #expect(counter.requests.first?["user-agent"]?.hasPrefix("Wohnlotse/") == true)
        }
    }

    @Test func serverErrorThenSuccessIsRetried() async throws {
        let h = try ImportHarness()
        let counter = Counter()
        let feed = openImmo(.full, 0..<3)
        try await withServer({ router in
            router.get("feed") { request, _ -> Response in
                if counter.next(request) == 1 { return Response(status: .internalServerError) }
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: feed)))
            }
        }) { base in
            let report = await h.importer().importSource(h.source("co", base.appendingPathComponent("feed")))
            #expect(report.run.outcome == .imported, "\(report.run.error ?? "")")
            #expect(report.run.counts.new == 3)
            #expect(counter.count == 2)
        }
    }

    /// Importing is for coaches and admins: a job-centre login's import is refused before the feed is
    /// fetched, records no failed run (the sources' health stays as it was) and is audited.
    @Test func aJobCentreImportFetchesNothingAndRecordsNoRun() async throws {
        var harness = try ImportHarness()
        _ = try harness.database.createUser(User(name: "jc", role: .jobcentre), by: harness.actor)
        harness.actor = try harness.database.actor(named: "jc", command: "import")
        let h = harness
        let counter = Counter()
        let feed = openImmo(.full, 0..<3)
        try await withServer({ router in
            router.get("feed") { request, _ -> Response in
                _ = counter.next(request)
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: feed)))
            }
        }) { base in
            let report = await h.importer().importSource(h.source("co", base.appendingPathComponent("feed")))
            #expect(report.run.outcome == .failed)
            #expect(report.run.error?.contains("jc (jobcentre) may not import listings: this needs a coach or an admin") == true, "\(report.run.error ?? "")")
            #expect(counter.count == 0, "the feed was fetched")
        }
        #expect(try h.scalar("SELECT COUNT(*) FROM importRun") == 0)
        #expect(try h.scalar("SELECT COUNT(*) FROM listing") == 0)
        #expect(try h.scalar("SELECT COUNT(*) FROM auditLog WHERE action = 'refused' AND actor = 'jc'") == 1)
    }

    @Test func persistentServerErrorFailsAfterBoundedAttempts() async throws {
        let h = try ImportHarness()
        let counter = Counter()
        try await withServer({ router in
            router.get("feed") { request, _ -> Response in
                _ = counter.next(request)
                return Response(status: .serviceUnavailable)
            }
        }) { base in
            let report = await h.importer(attempts: 3).importSource(h.source("co", base.appendingPathComponent("feed")))
            #expect(report.run.outcome == .failed)
            #expect(report.run.httpStatus == 503)
            #expect(report.run.error?.contains("answered HTTP 503 (3 attempts)") == true)
            #expect(counter.count == 3)
            let runs = try h.database.importRuns()
            #expect(runs.first?.outcome == .failed)
        }
    }

    @Test func hangingServerTimesOutAndLeavesListings() async throws {
        let h = try ImportHarness()
        try await withServer({ router in
            router.get("good") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: openImmo(.full, 0..<4)))) }
            router.get("hang") { _, _ -> Response in
                try await Task.sleep(nanoseconds: 30_000_000_000)
                return Response(status: .ok)
            }
        }) { base in
            _ = await h.importer().importSource(h.source("co", base.appendingPathComponent("good")))
            let before = try h.listings()
            let report = await h.importer(idleTimeout: 1, attempts: 2).importSource(h.source("co", base.appendingPathComponent("hang")))
            #expect(report.run.outcome == .failed)
            #expect(report.run.error?.contains("sent nothing for 1 s (2 attempts)") == true, "\(report.run.error ?? "")")
            #expect(try h.listings() == before)
        }
    }

    @Test func truncatedBodyFailsTheSourceOnly() async throws {
        let h = try ImportHarness()
        let full = openImmo(.full, 0..<40)
        try await withServer({ router in
            router.get("good") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: openImmo(.full, 0..<4)))) }
            router.get("cut") { _, _ -> Response in
                let half = String(full.prefix(full.utf8.count / 2))
                return Response(status: .ok, headers: [.contentLength: String(full.utf8.count)],
                    body: ResponseBody { writer in
                        try await writer.write(ByteBuffer(string: half))
                        throw CancellationError()
                    })
            }
        }) { base in
            _ = await h.importer().importSource(h.source("co", base.appendingPathComponent("good")))
            let before = try h.listings()
            let report = await h.importer(idleTimeout: 2, attempts: 1).importSource(h.source("co", base.appendingPathComponent("cut")))
            #expect(report.run.outcome == .failed)
            #expect(try h.listings() == before)
        }
    }

    @Test(arguments: [
        ("<openimmo><anbieter><immobilie><geo><plz>24306</plz></geo>", "truncated XML"),
        ("<openimmo><anbieter><immobilie></geo></immobilie></anbieter></openimmo>", "mismatched tag"),
        ("Internal error, please try again later", "not XML at all"),
    ])
    func malformedFeedLeavesListings(body: String, what: String) async throws {
        let h = try ImportHarness()
        try await withServer({ router in
            router.get("good") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: openImmo(.full, 0..<4)))) }
            router.get("bad") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: body))) }
        }) { base in
            _ = await h.importer().importSource(h.source("co", base.appendingPathComponent("good")))
            let before = try h.listings()
            let report = await h.importer().importSource(h.source("co", base.appendingPathComponent("bad")))
            #expect(report.run.outcome == .failed, "\(what)")
            #expect(try h.listings() == before, "\(what)")
        }
    }

    @Test func fullTransferRetiresMissingAndPartialDeletes() async throws {
        var h = try ImportHarness()
        let day1 = openImmo(.full, 0..<6)
        let day2 = openImmo(.full, 2..<7)
        let day3 = openImmo(.partial, 7..<8, deleted: ["BENCH-2"])
        try await withServer({ router in
            router.get("d1") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: day1))) }
            router.get("d2") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: day2))) }
            router.get("d3") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: day3))) }
        }) { base in
            _ = await h.importer().importSource(h.source("co", base.appendingPathComponent("d1")))
            #expect(try h.active("co") == Set((0..<6).map { "BENCH-\($0)" }))
            h.today = h.today.adding(days: 1)
            let full = await h.importer().importSource(h.source("co", base.appendingPathComponent("d2")))
            #expect(full.run.counts.gone == 2)
            #expect(full.run.counts.new == 1)
            #expect(full.run.counts.unchanged == 4)
            #expect(try h.active("co") == Set((2..<7).map { "BENCH-\($0)" }))
            h.today = h.today.adding(days: 1)
            let delta = await h.importer().importSource(h.source("co", base.appendingPathComponent("d3")))
            #expect(delta.run.counts.gone == 1)
            #expect(delta.run.counts.new == 1)
            #expect(try h.active("co") == Set([3, 4, 5, 6, 7].map { "BENCH-\($0)" }), "a delta keeps what it does not mention")
            let gone = try h.listings("co").first { $0.externalID == "BENCH-0" }
            #expect(gone?.status == .gone)
            #expect(gone?.lastSeen == CalendarDate(iso: "2026-03-01"))
        }
    }

    @Test func emptyFullTransferIsRefused() async throws {
        let h = try ImportHarness()
        try await withServer({ router in
            router.get("d1") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: openImmo(.full, 0..<3)))) }
            router.get("empty") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: openImmo(.full, 0..<0)))) }
        }) { base in
            _ = await h.importer().importSource(h.source("co", base.appendingPathComponent("d1")))
            let report = await h.importer().importSource(h.source("co", base.appendingPathComponent("empty")))
            #expect(report.run.outcome == .failed)
            #expect(report.run.error?.contains("lists no flats, which would mark all 3") == true)
            let active = try h.active("co")
            #expect(active.count == 3)
        }
    }

    @Test func sameFlatOnTwoSourcesIsLinkedAsDuplicate() async throws {
        let h = try ImportHarness()
        let flat = openImmo(.full, 0..<3)
        // The same generated flats (same seed): same postal code, street, area, rooms and rent.
        try await withServer({ router in
            router.get("a") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: flat))) }
            router.get("b") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: flat))) }
        }) { base in
            _ = await h.importer().importSource(h.source("alpha", base.appendingPathComponent("a")))
            let second = await h.importer().importSource(h.source("beta", base.appendingPathComponent("b")))
            #expect(second.run.counts.duplicates == 3)
            let alpha = try h.listings("alpha")
            let beta = try h.listings("beta")
            for (a, b) in zip(alpha, beta) { #expect(b.duplicateOf == a.id) }
            let offerable = try h.offerableCount()
            #expect(offerable == 3, "a household is never shown the same flat twice")
        }
    }

    @Test func secondIdenticalRunChangesNothing() async throws {
        let h = try ImportHarness()
        let feed = openImmo(.full, 0..<20)
        try await withServer({ router in
            router.get("feed") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: feed))) }
        }) { base in
            let source = h.source("co", base.appendingPathComponent("feed"))
            _ = await h.importer().importSource(source)
            let before = try h.listings()
            let prices = try h.scalar("SELECT COUNT(*) FROM listingPrice")
            let again = await h.importer().importSource(source)
            #expect(again.run.counts.unchanged == 20)
            #expect(again.run.counts.new + again.run.counts.changed + again.run.counts.gone == 0)
            let after = try h.listings()
            #expect(after == before)
            #expect(try h.scalar("SELECT COUNT(*) FROM listingPrice") == prices)
        }
    }

    @Test func gzipBodyIsDecoded() async throws {
        let h = try ImportHarness()
        let feed = openImmo(.full, 0..<5)
        let gz = h.directory.appendingPathComponent("feed.xml")
        try Data(feed.utf8).write(to: gz)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-kf", gz.path]
        try gzip.run()
        gzip.waitUntilExit()
        let compressed = try Data(contentsOf: h.directory.appendingPathComponent("feed.xml.gz"))
        try await withServer({ router in
            router.get("feed") { request, _ -> Response in
                guard request.headers[.acceptEncoding]?.contains("gzip") == true else { return Response(status: .notAcceptable) }
                return Response(status: .ok, headers: [.contentEncoding: "gzip"], body: ResponseBody(byteBuffer: ByteBuffer(data: compressed)))
            }
        }) { base in
            let report = await h.importer().importSource(h.source("co", base.appendingPathComponent("feed")))
            #expect(report.run.outcome == .imported, "\(report.run.error ?? "")")
            #expect(report.run.counts.new == 5)
        }
    }

    @Test func bodyOverTheCapIsRefused() async throws {
        let h = try ImportHarness()
        let feed = openImmo(.full, 0..<50)
        try await withServer({ router in
            router.get("feed") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: feed))) }
        }) { base in
            let report = await h.importer(maxBytes: 10_000).importSource(h.source("co", base.appendingPathComponent("feed")))
            #expect(report.run.outcome == .failed)
            #expect(report.run.error?.contains("the configured limit") == true)
            let stored = try h.listings()
            #expect(stored.isEmpty)
        }
    }

    /// A 60 MB feed streams through fetch, parse and one transaction.
    @Test func sixtyMegabyteFeedImports() async throws {
        let h = try ImportHarness()
        let file = h.directory.appendingPathComponent("big.xml")
        let count = 32_000
        let size = try OpenImmoFeedGenerator(seed: 3).write(listings: count, to: file)
        #expect(size > 60_000_000)
        let body = try Data(contentsOf: file)
        try await withServer({ router in
            router.get("big") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(data: body))) }
        }) { base in
            let report = await h.importer(idleTimeout: 60).importSource(h.source("big", base.appendingPathComponent("big")))
            #expect(report.run.outcome == .imported, "\(report.run.error ?? "")")
            #expect(report.run.counts.new == count)
            #expect(report.run.bytes == size)
        }
    }
}
