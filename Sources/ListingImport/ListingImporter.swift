import Foundation
import HousingDomain
import HousingStore

/// Finds municipality (AGS) and coordinates for an address; the command layer backs it with the
/// gazetteer in `Rules/`.
///
/// The importer asks once per distinct postal code and place in a run (see `PlaceMemo`), with an
/// address that holds only those two: the answer may not depend on street or house number.
public protocol PlaceResolver: Sendable {
    /// The municipality and point of `address`, or nil when the place is unknown.
    func resolve(_ address: Address) -> (municipality: MunicipalityKey, coordinate: Coordinate)?
    /// Whether `municipality` lies in the region the coaching serves.
    func isInServiceRegion(_ municipality: MunicipalityKey) -> Bool
}

/// One run's answers of a `PlaceResolver`, by postal code and place.
///
/// A feed names few places for many flats, and one gazetteer lookup normalises the place against
/// every row of its postal code (Foundation case and diacritics folding): without the memo that
/// was half of the import's time.
struct PlaceMemo {
    struct Answer {
        var municipality: MunicipalityKey
        var coordinate: Coordinate
        var inServiceRegion: Bool
    }

    private struct Key: Hashable {
        var postalCode: PostalCode?
        var place: String?
    }

    let resolver: any PlaceResolver
    private var answers: [Key: Answer?] = [:]

    init(_ resolver: any PlaceResolver) { self.resolver = resolver }

    /// The resolver's answer for the postal code and place of `address`; nil when it knows the place not.
    mutating func resolve(_ address: Address) -> Answer? {
        let key = Key(postalCode: address.postalCode, place: address.place)
        if let known = answers[key] { return known }
        let answer = resolver.resolve(Address(postalCode: key.postalCode, place: key.place)).map {
            Answer(municipality: $0.municipality, coordinate: $0.coordinate, inServiceRegion: resolver.isInServiceRegion($0.municipality))
        }
        answers[key] = answer
        return answer
    }
}

/// What one source's run did, for the console and the run log.
public struct SourceReport: Sendable {
    public var source: String
    public var run: ImportRunRecord
    public var succeeded: Bool { run.outcome != .failed }
}

/// Why a source's import was stopped before anything was written.
public enum ImportError: Error, CustomStringConvertible, Sendable {
    /// A credential names an environment variable that is not set.
    case missingCredential(source: String, variable: String, line: Int)
    /// A full transfer listed no flats while the source has some: most likely a broken export.
    case emptyFullTransfer(source: String, active: Int)

    public var description: String {
        switch self {
        case .missingCredential(let source, let variable, let line):
            return "source \(source): the environment variable \(variable) (named in Imports/sources.yaml, line \(line)) is not set: set it in the environment of the cron job"
        case .emptyFullTransfer(let source, let active):
            return "source \(source): the full transfer lists no flats, which would mark all \(active) of its active listings as gone; nothing was changed. If the source really has no flats, disable it in Imports/sources.yaml"
        }
    }
}

/// The daily import: for each enabled source, fetch, parse and reconcile in one transaction.
///
/// Within a source, parsing (with normalising, geocoding and hashing) runs on a thread of its own
/// while the database thread reconciles what was parsed (see `pipeline`). A source that fails
/// (fetch, feed, credentials, database) leaves its listings exactly as they were and is recorded as
/// a failed run; the other sources go on.
public struct ListingImporter: Sendable {
    public var database: AppDatabase
    public var actor: Actor
    public var fetcher: HTTPFetcher
    public var resolver: (any PlaceResolver)?
    public var today: CalendarDate
    public var environment: [String: String]

    public init(database: AppDatabase, actor: Actor, fetcher: HTTPFetcher = HTTPFetcher(), resolver: (any PlaceResolver)?,
                today: CalendarDate, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.database = database
        self.actor = actor
        self.fetcher = fetcher
        self.resolver = resolver
        self.today = today
        self.environment = environment
    }

    /// Imports every enabled source, in order.
    public func run(_ sources: [SourceConfig]) async -> [SourceReport] {
        var reports: [SourceReport] = []
        for source in sources where source.enabled {
            reports.append(await importSource(source))
        }
        return reports
    }

    /// Imports one source; never throws: failures become a failed run, except a refusal (the actor may
    /// not import), which is reported and audited but records no run and fetches nothing.
    public func importSource(_ source: SourceConfig) async -> SourceReport {
        let started = Date().formatted(.iso8601)
        var httpStatus: Int?
        var bytes = 0
        var cleanup: URL?
        defer { if let cleanup { try? FileManager.default.removeItem(at: cleanup) } }
        do {
            try database.requireImport(by: actor)
            let headers = try credentialHeaders(source)
            let url = source.location.url
            let state = url.isFileURL ? SourceFetchState() : try database.fetchState(source: source.name)
            let outcome = try await fetcher.fetch(url, headers: headers, etag: state.etag, lastModified: state.lastModified)
            switch outcome {
            case .notModified(let status):
                let run = ImportRunRecord(
                    source: source.name, startedAt: started, finishedAt: Date().formatted(.iso8601), outcome: .notModified,
                    httpStatus: status, bytes: 0, scope: nil, counts: ReconcileCounts(), skipped: 0, warnings: 0, error: nil, diagnostics: [])
                try database.recordRun(run)
                return SourceReport(source: source.name, run: run)
            case .fetched(let feed):
                if feed.isTemporary { cleanup = feed.file }
                httpStatus = feed.status
                bytes = feed.bytes
                let newState = SourceFetchState(etag: feed.etag, lastModified: feed.lastModified)
                let (_, run) = try database.importSource(source.name, today: today, fetchState: newState, actor: actor) { session in
                    // Parsing, normalising, geocoding and hashing run on a thread of their own while this
                    // one applies the results in the transaction; a feed error rolls back everything.
                    let parsed = try pipeline(
                        produce: { emit in try prepare(source, file: feed.file, emit: emit) },
                        consume: { (item: PreparedRecord) in
                            switch item {
                            case .upsert(let listing, let contentHash, let landlord):
                                try session.upsert(listing, contentHash: contentHash, landlord: landlord)
                            case .delete(let externalID):
                                try session.markGone(externalID: externalID)
                            }
                        })
                    let summary = parsed.summary
                    let full = summary.scope == .full
                    if full && parsed.upserts == 0 {
                        let active = try session.activeCount()
                        if active > 0 { throw ImportError.emptyFullTransfer(source: source.name, active: active) }
                    }
                    let diagnostics = summary.diagnostics + parsed.extra
                    let skipped = summary.skipped + parsed.extra.filter { $0.severity == .error }.count
                    return ((), full, { counts in
                        ImportRunRecord(
                            source: source.name, startedAt: started, finishedAt: Date().formatted(.iso8601), outcome: .imported,
                            httpStatus: feed.status, bytes: feed.bytes, scope: summary.scope.rawValue, counts: counts, skipped: skipped,
                            warnings: diagnostics.filter { $0.severity == .warning }.count, error: nil, diagnostics: diagnostics.map(\.description))
                    })
                }
                return SourceReport(source: source.name, run: run)
            }
        } catch {
            let message = "\(error)"
            let run = ImportRunRecord(
                source: source.name, startedAt: started, finishedAt: Date().formatted(.iso8601), outcome: .failed, httpStatus: httpStatus ?? Self.status(of: error),
                bytes: bytes, scope: nil, counts: ReconcileCounts(), skipped: 0, warnings: 0, error: message, diagnostics: [])
            if case StoreError.forbidden = error { return SourceReport(source: source.name, run: run) }
            try? database.recordRun(run)
            return SourceReport(source: source.name, run: run)
        }
    }

    /// What the database thread applies for one record of the feed.
    enum PreparedRecord: Sendable {
        case upsert(Listing, contentHash: String, landlord: LandlordHint?)
        case delete(externalID: String)
    }

    /// What the parsing thread found besides the records.
    struct Parsed: Sendable {
        var summary: FeedSummary
        /// Diagnostics of turning drafts into listings (place, operating costs, validation).
        var extra: [ImportDiagnostic]
        /// Listings handed on as upserts.
        var upserts: Int
    }

    /// Parses the feed and turns each record into what the session applies; runs off the database thread.
    func prepare(_ source: SourceConfig, file: URL, emit: (PreparedRecord) throws -> Void) throws -> Parsed {
        var extra: [ImportDiagnostic] = []
        var places = resolver.map(PlaceMemo.init)
        var upserts = 0
        let summary = try source.parse(fileAt: file) { record in
            switch record {
            case .upsert(let draft):
                guard let listing = makeListing(draft, places: &places, diagnostics: &extra) else { return }
                upserts += 1
                let landlord = draft.contact.map { LandlordHint(company: $0.company, name: $0.name, phone: $0.phone, email: $0.email) }
                try emit(.upsert(listing, contentHash: draft.contentHash, landlord: landlord))
            case .delete(let identity):
                try emit(.delete(externalID: identity.externalID))
            }
        }
        return Parsed(summary: summary, extra: extra, upserts: upserts)
    }

    static func status(of error: any Error) -> Int? {
        if case .httpStatus(_, let status, _) = error as? FetchError { return status }
        return nil
    }

    func credentialHeaders(_ source: SourceConfig) throws -> [String: String] {
        guard let credentials = source.credentials else { return [:] }
        func value(_ name: String) throws -> String {
            guard let v = environment[name], !v.isEmpty else {
                throw ImportError.missingCredential(source: source.name, variable: name, line: source.line)
            }
            return v
        }
        switch credentials {
        case .basic(let userEnv, let passwordEnv):
            let token = Data("\(try value(userEnv)):\(try value(passwordEnv))".utf8).base64EncodedString()
            return ["Authorization": "Basic \(token)"]
        case .bearer(let tokenEnv):
            return ["Authorization": "Bearer \(try value(tokenEnv))"]
        }
    }

    /// Turns a draft into a listing, resolving its place; nil (with an error diagnostic) when it
    /// cannot be judged at all.
    func makeListing(_ draft: ListingDraft, places: inout PlaceMemo?, diagnostics: inout [ImportDiagnostic]) -> Listing? {
        guard let operatingCosts = draft.operatingCosts else {
            diagnostics.append(ImportDiagnostic(
                severity: .error, source: draft.source, position: .file, listing: draft.externalID, field: "operating costs",
                message: "no kalte Betriebskosten (Nebenkosten) given, so the Bruttokaltmiete is unknown and the KdU limit cannot be checked; the flat was not imported: ask the source to include them"))
            return nil
        }
        var listing = Listing(
            source: draft.source, externalID: draft.externalID, url: draft.url, title: draft.title, address: draft.address,
            coordinate: draft.coordinate, rooms: draft.rooms, livingArea: draft.livingArea, floor: draft.floor, lift: draft.lift,
            stepFree: draft.stepFree, netColdRent: draft.netColdRent, operatingCosts: operatingCosts, heatingCosts: draft.heatingCosts,
            heatingIncluded: draft.heatingIncluded, heatingType: draft.heatingType, deposit: draft.deposit, availableFrom: draft.availableFrom,
            availableFromText: draft.availableFromText, wbsRequired: draft.wbsRequired, petsAllowed: draft.petsAllowed,
            firstSeen: today, lastSeen: today)
        if places != nil {
            if let found = places?.resolve(draft.address) {
                listing.municipality = found.municipality
                if listing.coordinate == nil { listing.coordinate = found.coordinate }
                if !found.inServiceRegion {
                    diagnostics.append(ImportDiagnostic(
                        severity: .warning, source: draft.source, position: .file, listing: draft.externalID, field: "place",
                        message: "\(draft.address.oneLine) lies outside Kreis Plön; imported, but no county cost limit applies there"))
                }
            } else {
                diagnostics.append(ImportDiagnostic(
                    severity: .warning, source: draft.source, position: .file, listing: draft.externalID, field: "place",
                    message: "\(draft.address.oneLine) is not in the gazetteer; imported without municipality, so it cannot be matched until a coach sets --municipality"))
            }
        }
        do {
            try listing.validate()
        } catch {
            diagnostics.append(ImportDiagnostic(
                severity: .error, source: draft.source, position: .file, listing: draft.externalID, field: "listing",
                message: "\(error); the flat was not imported"))
            return nil
        }
        return listing
    }
}
