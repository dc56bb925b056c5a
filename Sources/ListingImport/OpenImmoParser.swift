import Foundation
import HousingDomain

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Streams an OpenImmo 1.2.x transfer (`<openimmo>`), one `<immobilie>` at a time, so memory
/// stays flat however large the file is (`XMLParser(data:)` would need the whole file in memory
/// and fails above about 10 MB on Linux).
///
/// Engine: UTF-8 feeds go through `FastXMLReader` (about 90 MB/s of CPU time against about
/// 68 MB/s with XMLParser on Linux, see `WohnlotseBench import-parse`); feeds in another encoding (ISO-8859-1 is common) or with a DOCTYPE go
/// through `XMLParser(stream:)`. `.foundation` forces XMLParser. Both give the same records.
///
/// Transfer: `uebertragung@umfang` `VOLL` → `.full`, `TEIL` → `.partial` (missing or unknown →
/// `.partial` with a warning, so nothing is marked gone by mistake); any `version` is accepted.
///
/// Per `immobilie`: `verwaltung_techn/aktion@aktionart` `DELETE` (and `REFERENZ`, a flat that is
/// let) → `.delete`; `CHANGE` or no `aktion` → `.upsert`. Identity is `objektnr_extern`, else
/// `openimmo_obid`. Mapped elements (by parent, so `kontaktperson/plz` is not the flat's `plz`):
///
/// | OpenImmo | field |
/// |---|---|
/// | `preise/nettokaltmiete`, else `preise/kaltmiete` | net cold rent |
/// | `preise/nebenkosten` | operating costs |
/// | `preise/heizkosten`, `preise/heizkosten_enthalten` | heating costs, heating included |
/// | `preise/kaution`, else `preise/kaution_text` | deposit (text like "3 Nettokaltmieten" is computed) |
/// | `flaechen/wohnflaeche`, `flaechen/anzahl_zimmer` | living area, rooms (`2,5` or `2.5`) |
/// | `geo/plz`, `ort`, `strasse`, `hausnummer`, `etage`, `geokoordinaten@breitengrad/@laengengrad` | address, floor, coordinate |
/// | `ausstattung/fahrstuhl@PERSONEN`, `ausstattung/barrierefrei` | lift, step-free |
/// | `ausstattung/befeuerung@GAS/OEL/FERN/ELEKTRO/LUFTWP/ERDWAERME…`, else `heizungsart@FERN` | heating type |
/// | `verwaltung_objekt/verfuegbar_ab` (text or date), else `abdatum` | available from |
/// | `verwaltung_objekt/wbs_sozialwohnung`, `haustiere` | WBS required, pets |
/// | `kontaktperson/firma` (else `anbieter/firma`), `vorname`+`name`, `tel_durchw`/`tel_zentrale`, `email_direkt`/`email_zentrale` | contact |
/// | `freitexte/objekttitel` | title |
///
/// Booleans read `true/false` and `1/0`. Every other element is ignored.
public struct OpenImmoParser: FeedParser {
    /// How the XML is tokenised. Both engines feed the same mapping and give the same records.
    public enum Engine: Sendable {
        /// `FastXMLReader` for UTF-8 documents, XMLParser for other encodings or a DOCTYPE.
        case automatic
        /// Always FoundationXML's `XMLParser(stream:)`.
        case foundation
    }

    public var engine: Engine

    public init(engine: Engine = .automatic) { self.engine = engine }

    public func parse(fileAt url: URL, source: String, emit: (FeedRecord) throws -> Void) throws -> FeedSummary {
        let bytes = try feedFileSize(url, source: source)
        return try withoutActuallyEscaping(emit) { emit in
            var summary: FeedSummary
            if engine == .automatic, let fast = try parseFast(url, source: source, emit: emit) {
                summary = fast
            } else {
                summary = try parseWithXMLParser(url, source: source, emit: emit)
            }
            summary.bytes = bytes
            return summary
        }
    }

    /// Nil when the document needs XMLParser (nothing was emitted then).
    private func parseFast(_ url: URL, source: String, emit: @escaping (FeedRecord) throws -> Void) throws -> FeedSummary? {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw FeedError.unreadable(source: source, path: url.path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        let reader = FastXMLReader(handle: handle)
        let handler = OpenImmoHandler(source: source, emit: emit, locator: reader)
        do {
            try reader.read(into: handler)
        } catch is FastXMLUnsupported {
            return nil
        } catch let error as FastXMLError {
            if let emitError = handler.emitError { throw emitError }
            if let root = handler.wrongRoot { throw FeedError.notOpenImmo(source: source, rootElement: root) }
            throw FeedError.malformedXML(source: source, line: error.line, column: error.column, reason: error.reason)
        }
        return try handler.finish(source: source, line: reader.lineNumber, column: reader.columnNumber)
    }

    private func parseWithXMLParser(_ url: URL, source: String, emit: @escaping (FeedRecord) throws -> Void) throws -> FeedSummary {
        guard let stream = InputStream(url: url) else {
            throw FeedError.unreadable(source: source, path: url.path, reason: "cannot open the file")
        }
        let parser = XMLParser(stream: stream)
        let handler = OpenImmoHandler(source: source, emit: emit, locator: parser)
        let adapter = XMLParserAdapter(handler: handler)
        parser.delegate = adapter
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        parser.delegate = nil
        if !ok, adapter.parseError == nil, handler.emitError == nil, handler.wrongRoot == nil {
            adapter.parseError = "the XML parser stopped"
        }
        if let message = adapter.parseError, handler.emitError == nil, handler.wrongRoot == nil {
            let (line, column) = adapter.errorPosition ?? (parser.lineNumber, parser.columnNumber)
            throw FeedError.malformedXML(source: source, line: line, column: column, reason: message)
        }
        return try handler.finish(source: source, line: parser.lineNumber, column: parser.columnNumber)
    }
}

/// Size of a feed file; throws `FeedError` when it is missing or empty.
func feedFileSize(_ url: URL, source: String) throws -> Int {
    let attributes: [FileAttributeKey: Any]
    do {
        attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    } catch {
        throw FeedError.unreadable(source: source, path: url.path, reason: "the file does not exist or cannot be read")
    }
    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    if size == 0 { throw FeedError.empty(source: source) }
    return size
}

/// Maps OpenImmo elements onto `RawListing` fields; fed by either XML engine.
private final class OpenImmoHandler: XMLEventSink {
    let source: String
    let emit: (FeedRecord) throws -> Void
    let builder: DraftBuilder

    var summary: FeedSummary
    var stack: [String] = []
    var sawScope = false
    var documentClosed = false
    var wrongRoot: String?
    var emitError: (any Error)?
    // The listing being read.
    var current: RawListing?
    var action: String?
    var coldRentFallback: String?
    var depositText: String?
    var heatingDistrict = false
    var firstName: String?
    var lastName: String?
    var text = ""
    /// `anbieter/firma`, the fallback company for contacts.
    var providerCompany: String?

    unowned let locator: any XMLLocator

    init(source: String, emit: @escaping (FeedRecord) throws -> Void, locator: any XMLLocator) {
        self.source = source
        self.emit = emit
        self.locator = locator
        self.builder = DraftBuilder(source: source)
        self.summary = FeedSummary(source: source, scope: .partial)
    }

    private func position() -> FeedPosition {
        .lineColumn(line: locator.lineNumber, column: locator.columnNumber)
    }

    private func warn(field: String, _ message: String) {
        summary.diagnostics.append(
            ImportDiagnostic(
                severity: .warning, source: source, position: position(), listing: current?[.id] ?? current?[.obid],
                field: field, message: message))
    }

    var wantsText: Bool { current != nil || stack.count == 3 }

    func startElement(_ elementName: String, attributes: [String: String]) -> Bool {
        let parent = stack.last
        stack.append(elementName)
        text = ""
        if stack.count == 1 {
            if elementName != "openimmo" {
                wrongRoot = elementName
                return false
            }
            return true
        }
        switch (parent, elementName) {
        case ("openimmo", "uebertragung"):
            sawScope = true
            summary.version = attributes["version"]
            switch attributes["umfang"]?.uppercased() {
            case "VOLL": summary.scope = .full
            case "TEIL": summary.scope = .partial
            default:
                warn(field: "uebertragung@umfang",
                     "'\(attributes["umfang"] ?? "")' is neither VOLL nor TEIL; read as TEIL (a delta), so no listing is marked gone")
            }
        case ("anbieter", "immobilie"):
            current = RawListing(position: position())
            action = nil
            coldRentFallback = nil
            depositText = nil
            heatingDistrict = false
            firstName = nil
            lastName = nil
        case ("verwaltung_techn", "aktion"):
            action = attributes["aktionart"]?.uppercased()
        case ("geo", "geokoordinaten"):
            if let lat = attributes["breitengrad"] { current?.set(.latitude, lat, at: position()) }
            if let lon = attributes["laengengrad"] { current?.set(.longitude, lon, at: position()) }
        case ("ausstattung", "fahrstuhl"):
            if let passenger = attributes["PERSONEN"] ?? attributes["personen"] {
                current?.set(.lift, passenger, at: position())
            }
        case ("ausstattung", "befeuerung"):
            let fuels = attributes.filter { DraftBuilder.bool($0.value) == true }.map(\.key).sorted()
            if !fuels.isEmpty { current?.set(.heatingType, fuels.joined(separator: "+"), at: position()) }
        case ("ausstattung", "heizungsart"):
            heatingDistrict = DraftBuilder.bool(attributes["FERN"] ?? "") == true
        default:
            break
        }
        return true
    }

    func characters(_ string: String) {
        if text.isEmpty { text = string } else { text += string }
    }

    func endElement(_ elementName: String) -> Bool {
        defer {
            stack.removeLast()
            text = ""
            if stack.isEmpty { documentClosed = true }
        }
        let parent = stack.count >= 2 ? stack[stack.count - 2] : nil
        if parent == "anbieter", elementName == "firma" {
            let company = text.trimmed
            if !company.isEmpty { providerCompany = company }
            return true
        }
        guard current != nil, let parent else { return true }
        let at = position()
        func set(_ field: FeedField, overwrite: Bool = true) { current?.set(field, text, at: at, overwrite: overwrite) }
        // Parent first, then the element: fewer string comparisons than one switch over pairs.
        switch parent {
        case "anbieter":
            if elementName == "immobilie" { return finishListing() }
        case "preise":
            switch elementName {
            case "nettokaltmiete": set(.netColdRent)
            case "kaltmiete": coldRentFallback = text
            case "nebenkosten": set(.operatingCosts)
            case "heizkosten": set(.heatingCosts)
            case "heizkosten_enthalten": set(.heatingIncluded)
            case "kaution": set(.deposit)
            case "kaution_text": depositText = text
            default: break
            }
        case "flaechen":
            switch elementName {
            case "wohnflaeche": set(.livingArea)
            case "anzahl_zimmer": set(.rooms)
            default: break
            }
        case "geo":
            switch elementName {
            case "plz": set(.postalCode)
            case "ort": set(.place)
            case "strasse": set(.street)
            case "hausnummer": set(.houseNumber)
            case "etage": set(.floor)
            default: break
            }
        case "ausstattung":
            if elementName == "barrierefrei" { set(.stepFree) }
        case "verwaltung_objekt":
            switch elementName {
            case "verfuegbar_ab": set(.availableFrom)
            case "abdatum": set(.availableFrom, overwrite: false)
            case "wbs_sozialwohnung": set(.wbsRequired)
            case "haustiere": set(.petsAllowed)
            default: break
            }
        case "verwaltung_techn":
            switch elementName {
            case "objektnr_extern": set(.id)
            case "openimmo_obid": set(.obid)
            default: break
            }
        case "kontaktperson":
            switch elementName {
            case "firma": set(.landlordCompany)
            case "vorname": firstName = text.trimmed
            case "name": lastName = text.trimmed
            case "tel_durchw": set(.contactPhone)
            case "tel_zentrale": set(.contactPhone, overwrite: false)
            case "email_direkt": set(.contactEmail)
            case "email_zentrale": set(.contactEmail, overwrite: false)
            default: break
            }
        case "freitexte":
            if elementName == "objekttitel" { set(.title) }
        default:
            break
        }
        return true
    }

    /// Returns false when `emit` threw (the error is kept in `emitError`).
    private func finishListing() -> Bool {
        guard var raw = current else { return true }
        current = nil
        if raw[.netColdRent] == nil, let cold = coldRentFallback { raw.set(.netColdRent, cold) }
        if raw[.deposit] == nil, let text = depositText { raw.set(.deposit, text) }
        if raw[.heatingType] == nil, heatingDistrict { raw.set(.heatingType, "FERN") }
        let name = [firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        if !name.isEmpty { raw.set(.contactName, name) }
        if raw[.landlordCompany] == nil, let company = providerCompany { raw.set(.landlordCompany, company) }

        let record: FeedRecord
        switch action {
        case "DELETE", "REFERENZ":
            guard let id = raw[.id] ?? raw[.obid] else {
                summary.skipped += 1
                summary.diagnostics.append(
                    ImportDiagnostic(
                        severity: .error, source: source, position: raw.position, field: FeedField.id.rawValue,
                        message: "a DELETE names no objektnr_extern or openimmo_obid; nothing was deleted"))
                return true
            }
            record = .delete(ListingIdentity(source: source, externalID: id))
        case nil, "CHANGE":
            guard let draft = builder.build(raw, diagnostics: &summary.diagnostics) else {
                summary.skipped += 1
                return true
            }
            record = .upsert(draft)
        case let other?:
            guard let draft = builder.build(raw, diagnostics: &summary.diagnostics) else {
                summary.skipped += 1
                return true
            }
            summary.diagnostics.append(
                ImportDiagnostic(
                    severity: .warning, source: source, position: raw.position, listing: draft.externalID,
                    field: "aktion@aktionart", message: "unknown aktionart '\(other)'; read as CHANGE"))
            record = .upsert(draft)
        }
        do {
            try emit(record)
            if case .delete = record { summary.deletes += 1 } else { summary.upserts += 1 }
            return true
        } catch {
            emitError = error
            return false
        }
    }

    /// The summary after the engine finished, or the feed-level error.
    func finish(source: String, line: Int, column: Int) throws -> FeedSummary {
        if let emitError { throw emitError }
        if let root = wrongRoot { throw FeedError.notOpenImmo(source: source, rootElement: root) }
        guard documentClosed else {
            let reason = stack.isEmpty
                ? "no XML element found"
                : "the file ends inside <\(stack.last ?? "")> (truncated download?)"
            throw FeedError.malformedXML(source: source, line: line, column: column, reason: reason)
        }
        if !sawScope {
            summary.diagnostics.append(
                ImportDiagnostic(
                    severity: .warning, source: source, position: .file, field: "uebertragung",
                    message: "no <uebertragung umfang=…> element; read as TEIL (a delta), so no listing is marked gone"))
        }
        return summary
    }
}

extension XMLParser: XMLLocator {}

/// Forwards XMLParser's delegate calls to the format-neutral handler.
private final class XMLParserAdapter: NSObject, XMLParserDelegate {
    let handler: OpenImmoHandler
    var parseError: String?
    var errorPosition: (Int, Int)?

    init(handler: OpenImmoHandler) { self.handler = handler }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes: [String: String] = [:]
    ) {
        if !handler.startElement(elementName, attributes: attributes) { parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if handler.wantsText { handler.characters(string) }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if handler.wantsText { handler.characters(String(decoding: CDATABlock, as: UTF8.self)) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if !handler.endElement(elementName) { parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard handler.emitError == nil, handler.wrongRoot == nil, self.parseError == nil else { return }
        let nsError = parseError as NSError
        let code = XMLParser.ErrorCode(rawValue: nsError.code)
        self.parseError = code.map { "\($0)" } ?? "XML error \(nsError.code)"
        errorPosition = (parser.lineNumber, parser.columnNumber)
    }
}
