import Foundation
import HousingDomain

/// Where in a feed something was found.
public enum FeedPosition: Hashable, Sendable, CustomStringConvertible {
    /// XML: 1-based line and column as reported by the XML parser.
    case lineColumn(line: Int, column: Int)
    /// CSV: the 1-based physical line where the record starts (the header is line 1).
    case line(Int)
    /// JSON: the 0-based index of the listing object in the array.
    case index(Int)
    /// The feed as a whole (e.g. an empty file).
    case file

    public var description: String {
        switch self {
        case .lineColumn(let line, let column): return "line \(line), column \(column)"
        case .line(let line): return "line \(line)"
        case .index(let index): return "listing #\(index)"
        case .file: return "file"
        }
    }
}

/// A row-level problem found while parsing a feed. The feed itself goes on.
///
/// Policy (the same for all three formats):
/// - `.error`: the row was **skipped** because a listing cannot be judged without the field:
///   no identity, net cold rent missing/not an amount/not positive, rooms missing or outside
///   1…20 in halves, living area missing or outside 8…500 m², postal code missing or not 5 digits.
/// - `.warning`: the row was **imported without the field** (or the field was read in a
///   documented way): operating costs, heating costs, deposit, floor, coordinate, booleans,
///   heating type, dates that are neither a date nor text, unknown JSON keys.
public struct ImportDiagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        /// The field was dropped or interpreted; the listing was imported.
        case warning
        /// The listing was skipped; the rest of the feed was imported.
        case error
    }

    public var severity: Severity
    /// The source name from `sources.yaml`.
    public var source: String
    public var position: FeedPosition
    /// The listing's identity when known (helps find the row in the source system).
    public var listing: String?
    /// Our field name (see `FeedField`), or an element/column name of the feed.
    public var field: String
    /// What is wrong and what to fix.
    public var message: String

    public init(
        severity: Severity, source: String, position: FeedPosition, listing: String? = nil, field: String,
        message: String
    ) {
        self.severity = severity
        self.source = source
        self.position = position
        self.listing = listing
        self.field = field
        self.message = message
    }

    /// `warning: wankendorfer, line 12, column 5 (listing WBG-0042), field heating_type: …`
    public var description: String {
        let who = listing.map { " (listing \($0))" } ?? ""
        return "\(severity.rawValue): \(source), \(position)\(who), field \(field): \(message)"
    }
}

/// A failure of the whole feed. The importer must leave that source's listings as they were.
public enum FeedError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(source: String, path: String, reason: String)
    /// The file is empty (0 bytes or only whitespace).
    case empty(source: String)
    /// XML that is not well-formed or ends early (truncated download).
    case malformedXML(source: String, line: Int, column: Int, reason: String)
    /// Well-formed XML whose root is not `<openimmo>`.
    case notOpenImmo(source: String, rootElement: String)
    /// A CSV file whose first line is not a header with the required columns.
    case badCSVHeader(source: String, reason: String)
    /// A CSV file that ends inside a quoted field.
    case unterminatedQuote(source: String, line: Int)
    /// JSON that does not parse, or is not an array of objects / `{"listings": [...]}`.
    case malformedJSON(source: String, reason: String)

    public var source: String {
        switch self {
        case .unreadable(let s, _, _), .empty(let s), .malformedXML(let s, _, _, _), .notOpenImmo(let s, _),
            .badCSVHeader(let s, _), .unterminatedQuote(let s, _), .malformedJSON(let s, _):
            return s
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let source, let path, let reason):
            return "\(source): cannot read feed file \(path): \(reason)"
        case .empty(let source):
            return "\(source): the feed is empty; check the source URL and that the provider exported data"
        case .malformedXML(let source, let line, let column, let reason):
            return "\(source): the OpenImmo XML is malformed or truncated at line \(line), column \(column): \(reason); "
                + "no listings of this source were changed"
        case .notOpenImmo(let source, let root):
            return "\(source): expected an OpenImmo document with root <openimmo>, found <\(root)>; "
                + "check the source's format in sources.yaml"
        case .badCSVHeader(let source, let reason):
            return "\(source): the CSV header is not usable: \(reason)"
        case .unterminatedQuote(let source, let line):
            return "\(source): the CSV ends inside a quoted field that starts on line \(line) (truncated file?)"
        case .malformedJSON(let source, let reason):
            return "\(source): the JSON feed is not usable: \(reason)"
        }
    }
}

/// Whether a feed describes the source's whole stock or only changes.
public enum TransferScope: String, Hashable, Sendable, Codable {
    /// The source's complete stock (OpenImmo `umfang="VOLL"`, and CSV/JSON snapshots by default):
    /// listings of this source missing from the feed are gone.
    case full
    /// A delta (OpenImmo `umfang="TEIL"`): listings not mentioned stay as they are.
    case partial
}

/// The identity of a flat within its source.
public struct ListingIdentity: Hashable, Sendable, CustomStringConvertible {
    public var source: String
    /// OpenImmo `objektnr_extern`, or `openimmo_obid` when the former is missing; CSV/JSON `id`.
    public var externalID: String

    public init(source: String, externalID: String) {
        self.source = source
        self.externalID = externalID
    }

    public var description: String { "\(source)/\(externalID)" }
}

/// One thing a feed says.
public enum FeedRecord: Hashable, Sendable {
    /// A new or changed flat (OpenImmo: no `aktion`, or `aktionart="CHANGE"`).
    case upsert(ListingDraft)
    /// The flat was withdrawn (OpenImmo `aktionart="DELETE"`).
    case delete(ListingIdentity)
}

/// What a whole feed said, after every record was emitted.
public struct FeedSummary: Hashable, Sendable {
    public var source: String
    public var scope: TransferScope
    /// The feed's format version when it states one (OpenImmo `uebertragung@version`).
    public var version: String?
    /// Listings emitted as `.upsert`.
    public var upserts: Int
    /// Listings emitted as `.delete`.
    public var deletes: Int
    /// Listings skipped because of an `.error` diagnostic.
    public var skipped: Int
    /// Listings dropped by the source's region filter (`SourceConfig.parse`).
    public var outsideRegion: Int = 0
    public var diagnostics: [ImportDiagnostic]
    /// Bytes read from the file.
    public var bytes: Int

    public init(
        source: String, scope: TransferScope, version: String? = nil, upserts: Int = 0, deletes: Int = 0,
        skipped: Int = 0, diagnostics: [ImportDiagnostic] = [], bytes: Int = 0
    ) {
        self.source = source
        self.scope = scope
        self.version = version
        self.upserts = upserts
        self.deletes = deletes
        self.skipped = skipped
        self.diagnostics = diagnostics
        self.bytes = bytes
    }

    public var warnings: [ImportDiagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var errors: [ImportDiagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// A parser for one feed format.
///
/// Parsers read a file on disk (the fetcher saves the HTTP body to a temp file) and hand out
/// records one at a time, so memory stays flat however large the feed is. A row-level problem
/// becomes a diagnostic in the summary; a feed-level problem throws `FeedError` — possibly
/// after some records were emitted, so callers apply records inside a transaction that they
/// roll back on a throw. An error thrown by `emit` stops parsing and is rethrown unchanged.
public protocol FeedParser: Sendable {
    func parse(fileAt url: URL, source: String, emit: (FeedRecord) throws -> Void) throws -> FeedSummary
}

extension FeedParser {
    /// Parses the whole feed into memory; convenient for tests and small feeds.
    public func parseAll(fileAt url: URL, source: String) throws -> (records: [FeedRecord], summary: FeedSummary) {
        var records: [FeedRecord] = []
        let summary = try parse(fileAt: url, source: source) { records.append($0) }
        return (records, summary)
    }
}

/// The parser for a configured source.
public func makeFeedParser(for config: SourceConfig) -> any FeedParser {
    switch config.format {
    case .openimmo: return OpenImmoParser()
    case .csv: return CSVFeedParser(options: config.csv ?? CSVOptions(), scope: config.scope)
    case .json: return JSONFeedParser(scope: config.scope)
    }
}
