import Foundation
import HousingDomain

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Streams an OpenImmo 1.2.x transfer (`<openimmo>`) with `XMLParser(stream:)`, one `<immobilie>`
/// at a time, so memory stays flat however large the file is. (`XMLParser(data:)` needs the whole
/// file in memory and fails above about 10 MB on Linux.)
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
    public init() {}

    public func parse(fileAt url: URL, source: String, emit: (FeedRecord) throws -> Void) throws -> FeedSummary {
        let bytes = try feedFileSize(url, source: source)
        guard let stream = InputStream(url: url) else {
            throw FeedError.unreadable(source: source, path: url.path, reason: "cannot open the file")
        }
        return try withoutActuallyEscaping(emit) { emit in
            let parser = XMLParser(stream: stream)
            let handler = OpenImmoHandler(source: source, emit: emit)
            parser.delegate = handler
            parser.shouldProcessNamespaces = false
            parser.shouldResolveExternalEntities = false
            let ok = parser.parse()
            parser.delegate = nil
            if let error = handler.emitError { throw error }
            if let root = handler.wrongRoot { throw FeedError.notOpenImmo(source: source, rootElement: root) }
            if !ok || handler.parseError != nil || !handler.documentClosed {
                let (line, column) = handler.errorPosition ?? (parser.lineNumber, parser.columnNumber)
                let reason: String
                if let message = handler.parseError {
                    reason = message
                } else if !handler.documentClosed {
                    reason = handler.stack.isEmpty
                        ? "no XML element found"
                        : "the file ends inside <\(handler.stack.last ?? "")> (truncated download?)"
                } else {
                    reason = "the XML parser stopped"
                }
                throw FeedError.malformedXML(source: source, line: line, column: column, reason: reason)
            }
            var summary = handler.summary
            summary.bytes = bytes
            return summary
        }
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

private final class OpenImmoHandler: NSObject, XMLParserDelegate {
    let source: String
    let emit: (FeedRecord) throws -> Void
    let builder: DraftBuilder

    var summary: FeedSummary
    var stack: [String] = []
    var sawScope = false
    var documentClosed = false
    var wrongRoot: String?
    var emitError: (any Error)?
    var parseError: String?
    var errorPosition: (Int, Int)?

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

    init(source: String, emit: @escaping (FeedRecord) throws -> Void) {
        self.source = source
        self.emit = emit
        self.builder = DraftBuilder(source: source)
        self.summary = FeedSummary(source: source, scope: .partial)
    }

    private func position(_ parser: XMLParser) -> FeedPosition {
        .lineColumn(line: parser.lineNumber, column: parser.columnNumber)
    }

    private func warn(_ parser: XMLParser, field: String, _ message: String) {
        summary.diagnostics.append(
            ImportDiagnostic(
                severity: .warning, source: source, position: position(parser), listing: current?[.id] ?? current?[.obid],
                field: field, message: message))
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes: [String: String] = [:]
    ) {
        let parent = stack.last
        stack.append(elementName)
        text = ""
        if stack.count == 1 {
            if elementName != "openimmo" {
                wrongRoot = elementName
                parser.abortParsing()
            }
            return
        }
        switch (parent, elementName) {
        case ("openimmo", "uebertragung"):
            sawScope = true
            summary.version = attributes["version"]
            switch attributes["umfang"]?.uppercased() {
            case "VOLL": summary.scope = .full
            case "TEIL": summary.scope = .partial
            default:
                warn(parser, field: "uebertragung@umfang",
                     "'\(attributes["umfang"] ?? "")' is neither VOLL nor TEIL; read as TEIL (a delta), so no listing is marked gone")
            }
        case ("anbieter", "immobilie"):
            current = RawListing(position: position(parser))
            action = nil
            coldRentFallback = nil
            depositText = nil
            heatingDistrict = false
            firstName = nil
            lastName = nil
        case ("verwaltung_techn", "aktion"):
            action = attributes["aktionart"]?.uppercased()
        case ("geo", "geokoordinaten"):
            if let lat = attributes["breitengrad"] { current?.set(.latitude, lat, at: position(parser)) }
            if let lon = attributes["laengengrad"] { current?.set(.longitude, lon, at: position(parser)) }
        case ("ausstattung", "fahrstuhl"):
            if let passenger = attributes["PERSONEN"] ?? attributes["personen"] {
                current?.set(.lift, passenger, at: position(parser))
            }
        case ("ausstattung", "befeuerung"):
            let fuels = attributes.filter { DraftBuilder.bool($0.value) == true }.map(\.key).sorted()
            if !fuels.isEmpty { current?.set(.heatingType, fuels.joined(separator: "+"), at: position(parser)) }
        case ("ausstattung", "heizungsart"):
            heatingDistrict = DraftBuilder.bool(attributes["FERN"] ?? "") == true
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if current != nil || stack.count == 3 { text += string }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if current != nil { text += String(decoding: CDATABlock, as: UTF8.self) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        defer {
            stack.removeLast()
            text = ""
            if stack.isEmpty { documentClosed = true }
        }
        let parent = stack.count >= 2 ? stack[stack.count - 2] : nil
        if parent == "anbieter", elementName == "firma" {
            let company = text.trimmed
            if !company.isEmpty { providerCompany = company }
            return
        }
        guard current != nil, let parent else { return }
        let at = position(parser)
        func set(_ field: FeedField, overwrite: Bool = true) { current?.set(field, text, at: at, overwrite: overwrite) }
        // Parent first, then the element: fewer string comparisons than one switch over pairs.
        switch parent {
        case "anbieter":
            if elementName == "immobilie" { finishListing(parser) }
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
    }

    private func finishListing(_ parser: XMLParser) {
        guard var raw = current else { return }
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
                return
            }
            record = .delete(ListingIdentity(source: source, externalID: id))
        case nil, "CHANGE":
            guard let draft = builder.build(raw, diagnostics: &summary.diagnostics) else {
                summary.skipped += 1
                return
            }
            record = .upsert(draft)
        case let other?:
            guard let draft = builder.build(raw, diagnostics: &summary.diagnostics) else {
                summary.skipped += 1
                return
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
        } catch {
            emitError = error
            parser.abortParsing()
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard emitError == nil, wrongRoot == nil, self.parseError == nil else { return }
        let nsError = parseError as NSError
        let code = XMLParser.ErrorCode(rawValue: nsError.code)
        self.parseError = code.map { "\($0)" } ?? "XML error \(nsError.code)"
        errorPosition = (parser.lineNumber, parser.columnNumber)
    }

    func parserDidEndDocument(_ parser: XMLParser) {
        if !sawScope, wrongRoot == nil {
            summary.diagnostics.append(
                ImportDiagnostic(
                    severity: .warning, source: source, position: .file, field: "uebertragung",
                    message: "no <uebertragung umfang=…> element; read as TEIL (a delta), so no listing is marked gone"))
        }
    }
}
