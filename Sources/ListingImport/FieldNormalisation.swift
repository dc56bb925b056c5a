import Foundation
import HousingDomain

/// Our field names: the JSON keys, the default CSV headers, and the keys of a CSV column mapping
/// in `sources.yaml`. OpenImmo elements are mapped onto the same names (see `OpenImmoParser`).
public enum FeedField: String, CaseIterable, Hashable, Sendable {
    case id, obid, title, url
    case street, houseNumber = "house_number", postalCode = "postal_code", place
    case latitude, longitude
    case rooms, livingArea = "living_area", floor, lift, stepFree = "step_free"
    case netColdRent = "net_cold_rent", operatingCosts = "operating_costs", heatingCosts = "heating_costs"
    case heatingIncluded = "heating_included", heatingType = "heating_type"
    case deposit, availableFrom = "available_from", wbsRequired = "wbs_required", petsAllowed = "pets_allowed"
    case landlordCompany = "landlord_company", contactName = "contact_name"
    case contactPhone = "contact_phone", contactEmail = "contact_email"

    /// Columns a CSV feed must have (after mapping): without them no row could be imported.
    public static let requiredColumns: [FeedField] = [.id, .postalCode, .rooms, .livingArea, .netColdRent]
}

/// The raw text values of one listing as a feed gave them, before normalisation.
///
/// Stored in arrays indexed by `FeedField.ordinal`: a dictionary keyed by a String-backed enum
/// hashes the raw string on every access, which showed up in the OpenImmo profile.
struct RawListing {
    private var texts = [String?](repeating: nil, count: FeedField.allCases.count)
    /// Where each field was found (XML), falling back to `position`.
    private var positions = [FeedPosition?](repeating: nil, count: FeedField.allCases.count)
    var position: FeedPosition

    init(position: FeedPosition) { self.position = position }

    /// Sets a trimmed, non-empty value; a later value replaces an earlier one unless `overwrite` is false.
    mutating func set(_ field: FeedField, _ text: String, at position: FeedPosition? = nil, overwrite: Bool = true) {
        let trimmed = text.trimmed
        guard !trimmed.isEmpty else { return }
        let index = field.ordinal
        if !overwrite, texts[index] != nil { return }
        texts[index] = trimmed
        if let position { positions[index] = position }
    }

    subscript(field: FeedField) -> String? { texts[field.ordinal] }

    func position(of field: FeedField) -> FeedPosition { positions[field.ordinal] ?? position }
}

extension FeedField {
    /// The case's index in `allCases`, without hashing.
    var ordinal: Int {
        switch self {
        case .id: return 0
        case .obid: return 1
        case .title: return 2
        case .url: return 3
        case .street: return 4
        case .houseNumber: return 5
        case .postalCode: return 6
        case .place: return 7
        case .latitude: return 8
        case .longitude: return 9
        case .rooms: return 10
        case .livingArea: return 11
        case .floor: return 12
        case .lift: return 13
        case .stepFree: return 14
        case .netColdRent: return 15
        case .operatingCosts: return 16
        case .heatingCosts: return 17
        case .heatingIncluded: return 18
        case .heatingType: return 19
        case .deposit: return 20
        case .availableFrom: return 21
        case .wbsRequired: return 22
        case .petsAllowed: return 23
        case .landlordCompany: return 24
        case .contactName: return 25
        case .contactPhone: return 26
        case .contactEmail: return 27
        }
    }
}

/// Turns raw text into a `ListingDraft`, recording diagnostics. Shared by all three parsers so
/// the same text means the same thing in every format.
struct DraftBuilder {
    let source: String

    /// Returns nil when the row must be skipped; the reason is in `diagnostics` with severity `.error`.
    func build(_ raw: RawListing, diagnostics: inout [ImportDiagnostic]) -> ListingDraft? {
        var listingName = raw[.id] ?? raw[.obid]
        func report(_ severity: ImportDiagnostic.Severity, _ field: FeedField, _ message: String) {
            diagnostics.append(
                ImportDiagnostic(
                    severity: severity, source: source, position: raw.position(of: field),
                    listing: listingName, field: field.rawValue, message: message))
        }
        var skip = false
        func fail(_ field: FeedField, _ message: String) {
            report(.error, field, message + "; listing skipped")
            skip = true
        }
        func warn(_ field: FeedField, _ message: String) { report(.warning, field, message) }

        guard let externalID = raw[.id] ?? raw[.obid] else {
            listingName = nil
            fail(.id, "the listing has no ID (OpenImmo objektnr_extern or openimmo_obid, CSV/JSON id); give every flat a stable ID")
            return nil
        }

        // Required fields: without them a flat cannot be judged.
        var postalCode: PostalCode?
        if let text = raw[.postalCode] {
            postalCode = PostalCode(text)
            if postalCode == nil { fail(.postalCode, "'\(text)' is not a 5-digit postal code") }
        } else {
            fail(.postalCode, "the postal code (PLZ) is missing")
        }
        var netColdRent = Money.zero
        if let text = raw[.netColdRent] {
            if let money = parseMoney(text) {
                if money.cents > 0 { netColdRent = money } else { fail(.netColdRent, "the net cold rent must be more than 0, found '\(text)'") }
            } else {
                fail(.netColdRent, "'\(text)' is not a euro amount like 480,00")
            }
        } else {
            fail(.netColdRent, "the net cold rent (Nettokaltmiete) is missing")
        }
        var rooms = 0.0
        if let text = raw[.rooms] {
            if let value = Self.decimal(text), value >= 1, value <= 20, (value * 2).rounded() == value * 2 {
                rooms = value
            } else {
                fail(.rooms, "'\(text)' is not a room count from 1 to 20 (halves allowed, e.g. 2,5)")
            }
        } else {
            fail(.rooms, "the number of rooms is missing")
        }
        var area = 0.0
        if let text = raw[.livingArea] {
            if let value = Self.decimal(text), value >= 8, value <= 500 {
                area = value
            } else {
                fail(.livingArea, "'\(text)' is not a living area in m² from 8 to 500")
            }
        } else {
            fail(.livingArea, "the living area is missing")
        }
        if skip { return nil }

        // Optional fields: a bad value is dropped with a warning, the flat is imported.
        func money(_ field: FeedField, _ what: String) -> Money? {
            guard let text = raw[field] else { return nil }
            guard let value = parseMoney(text), value.cents >= 0 else {
                warn(field, "'\(text)' is not a euro amount like 85,50; \(what) left empty")
                return nil
            }
            return value
        }
        func flag(_ field: FeedField) -> Bool? {
            guard let text = raw[field] else { return nil }
            guard let value = Self.bool(text) else {
                warn(field, "'\(text)' is not true/false, 1/0 or ja/nein; left empty")
                return nil
            }
            return value
        }

        let operatingCosts = money(.operatingCosts, "operating costs")
        if operatingCosts == nil, raw[.operatingCosts] == nil {
            warn(.operatingCosts, "no operating costs (Nebenkosten) given; the Bruttokaltmiete cannot be judged until the source adds them")
        }
        let heatingIncluded = flag(.heatingIncluded) ?? false
        let heatingCosts = money(.heatingCosts, "heating costs")

        var coordinate: Coordinate?
        if let latText = raw[.latitude], let lonText = raw[.longitude] {
            if let lat = Self.decimal(latText), let lon = Self.decimal(lonText),
                let point = Coordinate(latitude: lat, longitude: lon), !(lat == 0 && lon == 0)
            {
                coordinate = point
            } else {
                warn(.latitude, "'\(latText)', '\(lonText)' is not a WGS84 coordinate; the importer geocodes from the address")
            }
        }

        var floor: Int?
        if let text = raw[.floor] {
            if let value = Self.floor(text), (-2...40).contains(value) {
                floor = value
            } else {
                warn(.floor, "'\(text)' is not a floor number from -2 to 40 (0 or EG = ground floor); left empty")
            }
        }

        var heatingType: HeatingType?
        if let text = raw[.heatingType] {
            switch Self.heatingType(text) {
            case .known(let type): heatingType = type
            case .unknown:
                warn(.heatingType, "'\(text)' is not a heating type we can judge (gas, oil, district-heating, heat-pump, electric); left empty")
            case .ambiguous:
                warn(.heatingType, "'\(text)' names more than one heating type; left empty")
            }
        }

        var deposit: Money?
        if let text = raw[.deposit] {
            switch Self.deposit(text, netColdRent: netColdRent) {
            case .amount(let value): deposit = value
            case .multiple(let value, let months):
                deposit = value
                if months > 3 {
                    warn(.deposit, "'\(text)' is more than the legal maximum of 3 net cold rents (§ 551 BGB); check with the landlord")
                }
            case .unreadable:
                warn(.deposit, "'\(text)' is neither an amount nor a multiple of the net cold rent (e.g. '3 Nettokaltmieten'); left empty")
            }
        }

        var availableFrom: CalendarDate?
        var availableFromText: String?
        if let text = raw[.availableFrom] {
            if let date = Self.date(text) {
                availableFrom = date
            } else {
                availableFromText = text
            }
        }

        let contact = LandlordContactDraft(
            company: raw[.landlordCompany], name: raw[.contactName], phone: raw[.contactPhone],
            email: raw[.contactEmail])

        return ListingDraft(
            source: source, externalID: externalID, obid: raw[.obid], title: raw[.title], url: raw[.url],
            address: Address(street: raw[.street], houseNumber: raw[.houseNumber], postalCode: postalCode, place: raw[.place]),
            coordinate: coordinate, rooms: rooms, livingArea: area, floor: floor, lift: flag(.lift),
            stepFree: flag(.stepFree), netColdRent: netColdRent, operatingCosts: operatingCosts,
            heatingCosts: heatingCosts, heatingIncluded: heatingIncluded, heatingType: heatingType, deposit: deposit,
            availableFrom: availableFrom, availableFromText: availableFromText, wbsRequired: flag(.wbsRequired) ?? false,
            petsAllowed: flag(.petsAllowed), contact: contact.isEmpty ? nil : contact)
    }

    // MARK: - Value readers

    /// `true/false`, `1/0`, `ja/nein`, `yes/no`, `wahr/falsch` (any case).
    static func bool(_ text: String) -> Bool? {
        switch text {  // the usual spellings as they are, before trimming and case-folding
        case "true", "1": return true
        case "false", "0": return false
        default: break
        }
        switch text.trimmed.lowercased() {
        case "true", "1", "ja", "yes", "wahr", "j", "y": return true
        case "false", "0", "nein", "no", "falsch", "n": return false
        default: return nil
        }
    }

    /// A decimal with `,` or `.` as decimal separator: `2,5`, `2.5`, `1.234,56`, `1,234.56`, `78 m²`.
    /// With only one kind of separator it is the decimal separator (areas and rooms never need
    /// thousands groups without decimals).
    static func decimal(_ text: String) -> Double? {
        // Only digits, '.' and signs: nothing to trim, strip or regroup, so `Double` reads it as below would.
        if !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 }) {
            guard let value = Double(text), value.isFinite else { return nil }
            return value
        }
        var s = text.trimmed
        for suffix in ["m²", "m2", "qm", "m"] where s.hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count)).trimmed
            break
        }
        // Byte-level, without Foundation: keep digits and signs, drop thousands separators and
        // turn the decimal separator into '.'.
        var bytes = Array(s.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 44 || $0 == 46 || $0 == 45 || $0 == 43 })
        else { return nil }
        let comma: UInt8 = 44, dot: UInt8 = 46
        let lastComma = bytes.lastIndex(of: comma)
        let lastDot = bytes.lastIndex(of: dot)
        switch (lastComma, lastDot) {
        case (let c?, let d?):
            let (decimal, grouping) = c > d ? (comma, dot) : (dot, comma)  // 1.234,56 or 1,234.56
            bytes.removeAll { $0 == grouping }
            if let i = bytes.firstIndex(of: decimal) { bytes[i] = dot }
        case (.some, nil):
            guard bytes.filter({ $0 == comma }).count == 1, let i = lastComma else { return nil }
            bytes[i] = dot
        default:
            break
        }
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    /// `YYYY-MM-DD`, `D.M.YYYY`/`DD.MM.YYYY`, or an ISO date-time (`2027-01-01T00:00:00`); nil for words.
    /// Parsed here rather than with `CalendarDate(flexible:)`, whose Foundation trimming showed up in profiles.
    static func date(_ text: String) -> CalendarDate? {
        // Both forms need a '-' or a '.'; words like "sofort" have neither.
        guard text.utf8.contains(where: { $0 == 45 || $0 == 46 }) else { return nil }
        var utf8 = text
        let read = utf8.withUTF8 { bytes -> CalendarDate?? in
            func number(_ range: Range<Int>) -> Int? {
                guard !range.isEmpty, range.upperBound <= bytes.count else { return nil }
                var value = 0
                for i in range {
                    guard bytes[i] >= 48 && bytes[i] <= 57 else { return nil }
                    value = value * 10 + Int(bytes[i] - 48)
                }
                return value
            }
            if bytes.count >= 10, bytes[4] == 45, bytes[7] == 45, bytes.count == 10 || bytes[10] == 84 || bytes[10] == 32,
                let y = number(0..<4), let m = number(5..<7), let d = number(8..<10)
            {
                return .some(CalendarDate(year: y, month: m, day: d))
            }
            // D.M.YYYY. ASCII text splits at '.' bytes exactly as at "." Characters, and its parts
            // read as `Int(_:)` reads them (an optional sign, then digits); other text takes the path below.
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            func integer(_ range: Range<Int>) -> Int? {
                var i = range.lowerBound
                let negative = i < range.upperBound && bytes[i] == 45
                if i < range.upperBound && (bytes[i] == 43 || bytes[i] == 45) { i += 1 }
                guard let magnitude = number(i..<range.upperBound) else { return nil }
                return negative ? -magnitude : magnitude
            }
            guard let first = bytes.firstIndex(of: 46), let second = bytes[(first + 1)...].firstIndex(of: 46),
                !bytes[(second + 1)...].contains(46)
            else { return .some(nil) }
            let day = 0..<first, month = (first + 1)..<second, year = (second + 1)..<bytes.count
            guard (1...2).contains(day.count), (1...2).contains(month.count), year.count == 4,
                let d = integer(day), let m = integer(month), let y = integer(year)
            else { return .some(nil) }
            return .some(CalendarDate(year: y, month: m, day: d))
        }
        if let read { return read }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].utf8.count), (1...2).contains(parts[1].utf8.count),
            parts[2].utf8.count == 4, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2])
        else { return nil }
        return CalendarDate(year: y, month: m, day: d)
    }

    /// An integer floor, or `EG`/`Erdgeschoss` = 0, `UG`/`KG`/`Souterrain` = -1, `1. OG` = 1.
    static func floor(_ text: String) -> Int? {
        let t = text.trimmed.lowercased()
        if let value = Int(t) { return value }
        if ["eg", "erdgeschoss", "hochparterre", "parterre"].contains(t) { return 0 }
        if ["ug", "kg", "souterrain", "untergeschoss"].contains(t) { return -1 }
        // "1. OG", "2. Obergeschoss", "3.OG"
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        let rest = t.dropFirst(digits.count).trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        if let value = Int(digits), rest == "og" || rest == "obergeschoss" || rest == "etage" { return value }
        return nil
    }

    enum HeatingReading: Equatable { case known(HeatingType), unknown, ambiguous }

    /// Maps heating text to a type where it is clear. Accepts our raw values, OpenImmo `befeuerung`
    /// attribute names (`GAS`, `OEL`, `FERN`, `ELEKTRO`, `LUFTWP`, `ERDWAERME`) and common German
    /// words; several words separated by `+`, `,` or `/` must agree.
    static func heatingType(_ text: String) -> HeatingReading {
        if !text.utf8.contains(where: { $0 == 43 || $0 == 44 || $0 == 47 || $0 == 59 }) {
            // One word (no separator), the usual case: the same as below without the split and the set.
            let word = text.lowercased().trimmed
            guard !word.isEmpty, let type = heatingWord(word) else { return .unknown }
            return .known(type)
        }
        let words = text.lowercased().split(whereSeparator: { "+,/;".contains($0) })
            .map { $0.trimmed }.filter { !$0.isEmpty }
        var found = Set<HeatingType>()
        for word in words {
            guard let type = heatingWord(word) else { return .unknown }
            found.insert(type)
        }
        if found.count == 1, let only = found.first { return .known(only) }
        return found.isEmpty ? .unknown : .ambiguous
    }

    private static func heatingWord(_ word: String) -> HeatingType? {
        if let exact = HeatingType(rawValue: word) { return exact }
        switch word {
        case "gas", "erdgas", "gasheizung", "gas-zentralheizung", "gas-etagenheizung", "fluessiggas", "flüssiggas":
            return .gas
        case "oel", "öl", "heizöl", "heizoel", "ölheizung", "oelheizung", "oil": return .oil
        case "fern", "fernwärme", "fernwaerme", "nahwärme", "nahwaerme", "district", "district heating": return .district
        case "luftwp", "erdwaerme", "erdwärme", "wasser-elektro", "wärmepumpe", "waermepumpe", "heat pump", "heatpump":
            return .heatPump
        case "elektro", "strom", "nachtspeicher", "nachtspeicherheizung", "electric", "elektroheizung": return .electric
        default: return nil
        }
    }

    enum DepositReading: Equatable { case amount(Money), multiple(Money, months: Int64), unreadable }

    /// An amount (`1.440,00`, `1440 €`) or a multiple of the net cold rent
    /// (`3 Nettokaltmieten`, `2 x Kaltmiete`, `3 Monatsmieten`, `3 NKM`).
    static func deposit(_ text: String, netColdRent: Money) -> DepositReading {
        if let amount = parseMoney(text), amount.cents >= 0 { return .amount(amount) }
        let t = text.lowercased()
        let digits = t.drop { !($0.isASCII && $0.isNumber) }.prefix { $0.isASCII && $0.isNumber }
        let mentionsRent = ["kaltmiete", "monatsmiete", "nkm", "kalt", "km", "mieten"].contains { t.contains($0) }
        guard mentionsRent, let months = Int64(digits), months >= 1, months <= 12 else { return .unreadable }
        return .multiple(netColdRent * months, months: months)
    }
}

extension Substring {
    var trimmed: String { String(self).trimmed }
}

extension String {
    /// The text without leading and trailing whitespace and newlines.
    ///
    /// Same result as `trimmingCharacters(in: .whitespacesAndNewlines)`, but that goes through
    /// NSString on Linux and took a third of the OpenImmo parse time; this stays in Swift and
    /// returns at once when the ends are plain ASCII (the usual case).
    var trimmed: String {
        let utf8 = self.utf8
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard scalars[before].properties.isWhitespace else { break }
            end = before
        }
        return String(scalars[start..<end])
    }
}

/// `Money(parsing:)` with a fast path for the plain amounts feeds mostly carry (`480`, `480.5`,
/// `480,50`); anything else (thousands groups, `€`, signs) goes to `Money(parsing:)`.
func parseMoney(_ text: String) -> Money? {
    var euros: Int64 = 0
    var cents: Int64 = 0
    var digits = 0
    var fractionDigits = -1
    for byte in text.utf8 {
        switch byte {
        case 48...57:
            if fractionDigits >= 0 {
                fractionDigits += 1
                if fractionDigits > 2 { return Money(parsing: text) }
                cents = cents * 10 + Int64(byte - 48)
            } else {
                digits += 1
                if digits > 12 { return Money(parsing: text) }
                euros = euros * 10 + Int64(byte - 48)
            }
        case 44, 46:
            guard fractionDigits < 0, digits > 0 else { return Money(parsing: text) }
            fractionDigits = 0
        default:
            return Money(parsing: text)
        }
    }
    guard digits > 0, fractionDigits != 0 else { return Money(parsing: text) }
    if fractionDigits == 1 { cents *= 10 }
    return Money(cents: euros * 100 + cents)
}
