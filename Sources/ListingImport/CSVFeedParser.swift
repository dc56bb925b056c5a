import Foundation
import HousingDomain

/// Reads a CSV export, one row at a time from 64 KiB chunks, so memory stays flat.
///
/// - The first line is the header. Columns are found by our field names (`FeedField`, e.g.
///   `net_cold_rent`) or by the source's mapping in `sources.yaml` (`csv: columns:`); header
///   matching ignores case and surrounding spaces. `id`, `postal_code`, `rooms`, `living_area`
///   and `net_cold_rent` must be present, else the feed fails (`FeedError.badCSVHeader`).
///   Columns nobody asked for are ignored with one warning.
/// - Delimiter `;`, `,` or tab: configured, or detected as the most frequent one in the header.
/// - RFC 4180 quoting: `"…"` may hold delimiters, newlines and doubled quotes (`""`).
/// - UTF-8 with or without BOM; CRLF or LF line ends; blank lines are skipped.
/// - Numbers may be German (`1.234,56`, `2,5`); booleans `ja/nein`, `true/false`, `1/0`.
/// - Positions are the physical line where a row starts (the header is line 1).
/// - A file that ends inside quotes fails the feed (`FeedError.unterminatedQuote`): it was cut off.
public struct CSVFeedParser: FeedParser {
    public var options: CSVOptions
    /// CSV has no scope marker: a snapshot of the whole stock unless configured otherwise.
    public var scope: TransferScope

    public init(options: CSVOptions = CSVOptions(), scope: TransferScope = .full) {
        self.options = options
        self.scope = scope
    }

    public func parse(fileAt url: URL, source: String, emit: (FeedRecord) throws -> Void) throws -> FeedSummary {
        let bytes = try feedFileSize(url, source: source)
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw FeedError.unreadable(source: source, path: url.path, reason: "cannot open the file")
        }
        defer { try? handle.close() }

        var summary = FeedSummary(source: source, scope: scope, bytes: bytes)
        let builder = DraftBuilder(source: source)
        var reader = CSVRecordReader(delimiter: options.delimiter?.byte)
        var columns: [(field: FeedField, index: Int)] = []
        var headerCount = 0
        var sawHeader = false

        func handleRecord(_ record: [String], _ line: Int) throws {
            if !sawHeader {
                sawHeader = true
                let header = record.map { $0.trimmed.lowercased() }
                headerCount = header.count
                var used = Set<Int>()
                var missing: [String] = []
                for field in FeedField.allCases {
                    let name = (options.columns[field] ?? field.rawValue).trimmed.lowercased()
                    if let index = header.firstIndex(of: name) {
                        columns.append((field, index))
                        used.insert(index)
                    } else if FeedField.requiredColumns.contains(field) {
                        let mapped = options.columns[field].map { "'\($0)' (mapped from \(field.rawValue))" } ?? "'\(field.rawValue)'"
                        missing.append(mapped)
                    }
                }
                if !missing.isEmpty {
                    throw FeedError.badCSVHeader(
                        source: source,
                        reason: "missing column \(missing.joined(separator: ", ")); the header has: "
                            + record.joined(separator: " | ")
                            + "; map the feed's headers under csv: columns: in sources.yaml")
                }
                let ignored = record.indices.filter { !used.contains($0) && !record[$0].isEmpty }.map { record[$0] }
                if !ignored.isEmpty {
                    summary.diagnostics.append(
                        ImportDiagnostic(
                            severity: .warning, source: source, position: .line(line), field: "header",
                            message: "columns ignored (not one of our fields and not mapped): \(ignored.joined(separator: ", "))"))
                }
                return
            }
            if record.count == 1, record[0].trimmed.isEmpty { return }
            var raw = RawListing(position: .line(line))
            for (field, index) in columns where index < record.count {
                raw.set(field, record[index])
            }
            if record.count != headerCount {
                summary.diagnostics.append(
                    ImportDiagnostic(
                        severity: .warning, source: source, position: .line(line), listing: raw[.id], field: "row",
                        message: "the row has \(record.count) fields, the header \(headerCount); check for a stray delimiter or quote"))
            }
            guard let draft = builder.build(raw, diagnostics: &summary.diagnostics) else {
                summary.skipped += 1
                return
            }
            try emit(.upsert(draft))
            summary.upserts += 1
        }

        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 16)
            } catch {
                throw FeedError.unreadable(source: source, path: url.path, reason: "\(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            try reader.feed(chunk, handleRecord)
        }
        guard try reader.finish(handleRecord) else {
            throw FeedError.unterminatedQuote(source: source, line: reader.recordStartLine)
        }
        if !sawHeader { throw FeedError.empty(source: source) }
        return summary
    }
}

/// A byte-level RFC 4180 record splitter that keeps its state across chunks.
struct CSVRecordReader {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    var delimiter: UInt8?
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var line = 1
    private(set) var recordStartLine = 1
    private var atFileStart = true
    /// Header bytes kept until the delimiter is known.
    private var pending: [UInt8] = []

    init(delimiter: UInt8?) { self.delimiter = delimiter }

    private static let quote: UInt8 = 34, newline: UInt8 = 10, carriageReturn: UInt8 = 13

    mutating func feed(_ data: Data, _ emit: ([String], Int) throws -> Void) throws {
        var bytes = [UInt8](data)
        if atFileStart {
            atFileStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        }
        if delimiter == nil {
            pending.append(contentsOf: bytes)
            guard let detected = Self.detectDelimiter(pending, final: false) else { return }
            delimiter = detected
            bytes = pending
            pending = []
        }
        try consume(bytes, emit)
    }

    /// Returns false when the file ended inside a quoted field.
    mutating func finish(_ emit: ([String], Int) throws -> Void) throws -> Bool {
        if delimiter == nil {
            delimiter = Self.detectDelimiter(pending, final: true) ?? 59
            let bytes = pending
            pending = []
            try consume(bytes, emit)
        }
        switch state {
        case .quoted: return false
        case .fieldStart where fields.isEmpty && field.isEmpty: return true
        default:
            try endRecord(emit)
            return true
        }
    }

    /// The most frequent of `;`, `,`, tab outside quotes on the first line; nil until a line end is seen.
    static func detectDelimiter(_ bytes: [UInt8], final: Bool) -> UInt8? {
        var counts: [UInt8: Int] = [59: 0, 44: 0, 9: 0]
        var inQuotes = false
        var sawEnd = false
        for byte in bytes {
            if byte == quote { inQuotes.toggle() }
            if !inQuotes {
                if byte == newline {
                    sawEnd = true
                    break
                }
                if counts[byte] != nil { counts[byte, default: 0] += 1 }
            }
        }
        guard sawEnd || final else { return nil }
        let best = [59, 44, 9].max { (counts[$0] ?? 0) < (counts[$1] ?? 0) } ?? 59
        return (counts[best] ?? 0) > 0 ? best : 59
    }

    private mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord(_ emit: ([String], Int) throws -> Void) throws {
        endField()
        let record = fields
        fields.removeAll(keepingCapacity: true)
        state = .fieldStart
        try emit(record, recordStartLine)
    }

    private mutating func consume(_ bytes: [UInt8], _ emit: ([String], Int) throws -> Void) throws {
        let delimiter = self.delimiter ?? 59
        for byte in bytes {
            switch state {
            case .fieldStart, .unquoted:
                if byte == delimiter {
                    endField()
                    state = .fieldStart
                } else if byte == Self.newline {
                    try endRecord(emit)
                    line += 1
                    recordStartLine = line
                } else if byte == Self.carriageReturn {
                    continue
                } else if byte == Self.quote && state == .fieldStart {
                    state = .quoted
                } else {
                    field.append(byte)
                    state = .unquoted
                }
            case .quoted:
                if byte == Self.quote {
                    state = .quoteInQuoted
                } else {
                    if byte == Self.newline { line += 1 }
                    field.append(byte)
                }
            case .quoteInQuoted:
                if byte == Self.quote {
                    field.append(byte)
                    state = .quoted
                } else if byte == delimiter {
                    endField()
                    state = .fieldStart
                } else if byte == Self.newline {
                    try endRecord(emit)
                    line += 1
                    recordStartLine = line
                } else if byte == Self.carriageReturn {
                    continue
                } else {
                    // Text after a closing quote ("ab"c): keep it, as spreadsheets do.
                    field.append(byte)
                    state = .unquoted
                }
            }
        }
    }
}
