import Foundation
import HousingDomain

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Streams an OpenImmo 1.2.x transfer (`<openimmo>`), one `<immobilie>` at a time, so memory
/// stays flat however large the file is (`XMLParser(data:)` would need the whole file in memory
/// and fails above about 10 MB on Linux).
///
/// Engine: UTF-8 feeds go through `FastXMLReader` (about 260 MB/s of CPU time against about
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
        var reader = FastXMLReader(handle: handle)
        var handler = OpenImmoHandler(source: source, emit: emit)
        do {
            try reader.read(into: &handler)
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
        let adapter = XMLParserAdapter(handler: OpenImmoHandler(source: source, emit: emit))
        parser.delegate = adapter
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        parser.delegate = nil
        let handler = adapter.handler
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

/// The OpenImmo elements the mapping looks at; every other name is `.other`.
enum OpenImmoElement: String, CaseIterable {
    case other = ""
    case openimmo, uebertragung, anbieter, firma, immobilie
    case verwaltungTechn = "verwaltung_techn", aktion, objektnrExtern = "objektnr_extern", openimmoObid = "openimmo_obid"
    case geo, geokoordinaten, plz, ort, strasse, hausnummer, etage
    case ausstattung, fahrstuhl, befeuerung, heizungsart, barrierefrei
    case preise, nettokaltmiete, kaltmiete, nebenkosten, heizkosten, heizkostenEnthalten = "heizkosten_enthalten"
    case kaution, kautionText = "kaution_text"
    case flaechen, wohnflaeche, anzahlZimmer = "anzahl_zimmer"
    case verwaltungObjekt = "verwaltung_objekt", verfuegbarAb = "verfuegbar_ab", abdatum
    case wbsSozialwohnung = "wbs_sozialwohnung", haustiere
    case kontaktperson, vorname, name, telDurchw = "tel_durchw", telZentrale = "tel_zentrale"
    case emailDirekt = "email_direkt", emailZentrale = "email_zentrale"
    case freitexte, objekttitel

    /// The known names by length, as bytes.
    private static let byLength: [[(name: [UInt8], element: OpenImmoElement)]] = {
        var table = [[(name: [UInt8], element: OpenImmoElement)]](repeating: [], count: 21)
        for element in allCases where element != .other {
            let name = Array(element.rawValue.utf8)
            table[name.count].append((name, element))
        }
        return table
    }()

    /// The element named `name` (UTF-8 bytes, compared exactly).
    init(_ name: UnsafeBufferPointer<UInt8>) {
        if name.count < Self.byLength.count {
            for candidate in Self.byLength[name.count]
            where candidate.name.withUnsafeBufferPointer({ FastXMLReader.same($0, name) }) {
                self = candidate.element
                return
            }
        }
        self = .other
    }
}

/// Maps OpenImmo elements onto `RawListing` fields; fed by either XML engine.
private struct OpenImmoHandler: XMLEventSink {
    let source: String
    let emit: (FeedRecord) throws -> Void
    let builder: DraftBuilder

    var summary: FeedSummary
    /// The open elements, each with what its text is for (worked out once, when it opens).
    var stack: [(element: OpenImmoElement, target: TextTarget?)] = []
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
    /// The character data of the current element, when it is read.
    var text: [UInt8] = []
    /// `anbieter/firma`, the fallback company for contacts.
    var providerCompany: String?
    private(set) var textMode = XMLTextMode.skip

    init(source: String, emit: @escaping (FeedRecord) throws -> Void) {
        self.source = source
        self.emit = emit
        self.builder = DraftBuilder(source: source)
        self.summary = FeedSummary(source: source, scope: .partial)
    }

    /// What an element's text is for, by parent and element.
    enum TextTarget {
        case field(FeedField, overwrite: Bool = true)
        case coldRentFallback, depositText, firstName, lastName, providerCompany
    }

    private static func textTarget(_ parent: OpenImmoElement, _ element: OpenImmoElement) -> TextTarget? {
        // Parent first, then the element.
        switch parent {
        case .anbieter:
            return element == .firma ? .providerCompany : nil
        case .preise:
            switch element {
            case .nettokaltmiete: return .field(.netColdRent)
            case .kaltmiete: return .coldRentFallback
            case .nebenkosten: return .field(.operatingCosts)
            case .heizkosten: return .field(.heatingCosts)
            case .heizkostenEnthalten: return .field(.heatingIncluded)
            case .kaution: return .field(.deposit)
            case .kautionText: return .depositText
            default: return nil
            }
        case .flaechen:
            switch element {
            case .wohnflaeche: return .field(.livingArea)
            case .anzahlZimmer: return .field(.rooms)
            default: return nil
            }
        case .geo:
            switch element {
            case .plz: return .field(.postalCode)
            case .ort: return .field(.place)
            case .strasse: return .field(.street)
            case .hausnummer: return .field(.houseNumber)
            case .etage: return .field(.floor)
            default: return nil
            }
        case .ausstattung:
            return element == .barrierefrei ? .field(.stepFree) : nil
        case .verwaltungObjekt:
            switch element {
            case .verfuegbarAb: return .field(.availableFrom)
            case .abdatum: return .field(.availableFrom, overwrite: false)
            case .wbsSozialwohnung: return .field(.wbsRequired)
            case .haustiere: return .field(.petsAllowed)
            default: return nil
            }
        case .verwaltungTechn:
            switch element {
            case .objektnrExtern: return .field(.id)
            case .openimmoObid: return .field(.obid)
            default: return nil
            }
        case .kontaktperson:
            switch element {
            case .firma: return .field(.landlordCompany)
            case .vorname: return .firstName
            case .name: return .lastName
            case .telDurchw: return .field(.contactPhone)
            case .telZentrale: return .field(.contactPhone, overwrite: false)
            case .emailDirekt: return .field(.contactEmail)
            case .emailZentrale: return .field(.contactEmail, overwrite: false)
            default: return nil
            }
        case .freitexte:
            return element == .objekttitel ? .field(.title) : nil
        default:
            return nil
        }
    }

    /// Text inside a listing and the provider's own elements is checked (UTF-8, references) as it
    /// always was; only the text a field is read from is delivered.
    private mutating func updateTextMode() {
        guard let top = stack.last, current != nil || stack.count == 3 else {
            textMode = .skip
            return
        }
        textMode = top.target == nil ? .check : .deliver
    }

    private mutating func warn(field: String, at point: XMLPoint, _ message: String) {
        summary.diagnostics.append(
            ImportDiagnostic(
                severity: .warning, source: source, position: .lineColumn(line: point.line, column: point.column),
                listing: current?[.id] ?? current?[.obid], field: field, message: message))
    }

    mutating func startElement<Attributes: XMLAttributes>(
        _ name: UnsafeBufferPointer<UInt8>, at point: XMLPoint, attributes: Attributes
    ) -> Bool {
        let element = OpenImmoElement(name)
        let parent = stack.last?.element
        stack.append((element, parent.flatMap { Self.textTarget($0, element) }))
        if !text.isEmpty { text.removeAll(keepingCapacity: true) }
        defer { updateTextMode() }
        guard let parent else {
            if element != .openimmo {
                wrongRoot = String(decoding: name, as: UTF8.self)
                return false
            }
            return true
        }
        let position = FeedPosition.lineColumn(line: point.line, column: point.column)
        switch (parent, element) {
        case (.openimmo, .uebertragung):
            sawScope = true
            summary.version = attributes["version"]
            switch attributes["umfang"]?.uppercased() {
            case "VOLL": summary.scope = .full
            case "TEIL": summary.scope = .partial
            default:
                warn(field: "uebertragung@umfang", at: point,
                     "'\(attributes["umfang"] ?? "")' is neither VOLL nor TEIL; read as TEIL (a delta), so no listing is marked gone")
            }
        case (.anbieter, .immobilie):
            current = RawListing(position: position)
            action = nil
            coldRentFallback = nil
            depositText = nil
            heatingDistrict = false
            firstName = nil
            lastName = nil
        case (.verwaltungTechn, .aktion):
            action = attributes["aktionart"]?.uppercased()
        case (.geo, .geokoordinaten):
            if let lat = attributes["breitengrad"] { current?.set(.latitude, lat, at: position) }
            if let lon = attributes["laengengrad"] { current?.set(.longitude, lon, at: position) }
        case (.ausstattung, .fahrstuhl):
            if let passenger = attributes["PERSONEN"] ?? attributes["personen"] {
                current?.set(.lift, passenger, at: position)
            }
        case (.ausstattung, .befeuerung):
            let fuels = attributes.all.filter { DraftBuilder.bool($0.value) == true }.map(\.key).sorted()
            if !fuels.isEmpty { current?.set(.heatingType, fuels.joined(separator: "+"), at: position) }
        case (.ausstattung, .heizungsart):
            heatingDistrict = DraftBuilder.bool(attributes["FERN"] ?? "") == true
        default:
            break
        }
        return true
    }

    mutating func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        text.append(contentsOf: bytes)
    }

    mutating func endElement(at point: XMLPoint) -> Bool {
        let keepGoing = end(at: point)
        stack.removeLast()
        if !text.isEmpty { text.removeAll(keepingCapacity: true) }
        if stack.isEmpty { documentClosed = true }
        updateTextMode()
        return keepGoing
    }

    private mutating func end(at point: XMLPoint) -> Bool {
        guard let (element, target) = stack.last, stack.count >= 2 else { return true }
        let parent = stack[stack.count - 2].element
        if parent == .anbieter, element == .firma {
            let company = textString().trimmed
            if !company.isEmpty { providerCompany = company }
            return true
        }
        guard current != nil else { return true }
        if parent == .anbieter, element == .immobilie { return finishListing() }
        guard let target else { return true }
        let value = textString()
        switch target {
        case .field(let field, let overwrite):
            current?.set(field, value, at: .lineColumn(line: point.line, column: point.column), overwrite: overwrite)
        case .coldRentFallback: coldRentFallback = value
        case .depositText: depositText = value
        case .firstName: firstName = value.trimmed
        case .lastName: lastName = value.trimmed
        case .providerCompany: break
        }
        return true
    }

    /// The element's text without ASCII white space at either end (every reader of it trims anyway).
    private func textString() -> String {
        text.withUnsafeBufferPointer { bytes in
            var start = 0
            var end = bytes.count
            while start < end, Self.isASCIISpace(bytes[start]) { start += 1 }
            while end > start, Self.isASCIISpace(bytes[end - 1]) { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 32 || (byte >= 9 && byte <= 13) }

    /// Returns false when `emit` threw (the error is kept in `emitError`).
    private mutating func finishListing() -> Bool {
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
                : "the file ends inside \(stack.last.map { $0.element == .other ? "an element" : "<\($0.element.rawValue)>" } ?? "") (truncated download?)"
            throw FeedError.malformedXML(source: source, line: line, column: column, reason: reason)
        }
        var summary = summary
        if !sawScope {
            summary.diagnostics.append(
                ImportDiagnostic(
                    severity: .warning, source: source, position: .file, field: "uebertragung",
                    message: "no <uebertragung umfang=…> element; read as TEIL (a delta), so no listing is marked gone"))
        }
        return summary
    }
}

/// Forwards XMLParser's delegate calls to the format-neutral handler.
private final class XMLParserAdapter: NSObject, XMLParserDelegate {
    var handler: OpenImmoHandler
    var parseError: String?
    var errorPosition: (Int, Int)?

    init(handler: OpenImmoHandler) { self.handler = handler }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes: [String: String] = [:]
    ) {
        var name = elementName
        let point = XMLPoint(line: parser.lineNumber, column: parser.columnNumber)
        if !name.withUTF8({ handler.startElement($0, at: point, attributes: attributes) }) { parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard handler.textMode == .deliver else { return }
        var text = string
        text.withUTF8 { handler.characters($0) }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard handler.textMode == .deliver else { return }
        var text = String(decoding: CDATABlock, as: UTF8.self)
        text.withUTF8 { handler.characters($0) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if !handler.endElement(at: XMLPoint(line: parser.lineNumber, column: parser.columnNumber)) { parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard handler.emitError == nil, handler.wrongRoot == nil, self.parseError == nil else { return }
        let nsError = parseError as NSError
        let code = XMLParser.ErrorCode(rawValue: nsError.code)
        self.parseError = code.map { "\($0)" } ?? "XML error \(nsError.code)"
        errorPosition = (parser.lineNumber, parser.columnNumber)
    }
}
