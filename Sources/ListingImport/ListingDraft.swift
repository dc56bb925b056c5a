import Foundation
import HousingDomain

/// What a feed says about one flat, normalised, before it meets the database.
///
/// The lead's reconciliation turns a draft into a `Listing` (adding municipality, landlord ID,
/// first/last seen, status). Money is exact (integer cents); rooms and areas are decimals.
public struct ListingDraft: Hashable, Sendable {
    /// The feed's name from `sources.yaml`.
    public var source: String
    /// The source's own ID: OpenImmo `objektnr_extern`, else `openimmo_obid`; CSV/JSON `id`, else `obid`.
    public var externalID: String
    /// OpenImmo `openimmo_obid` when given (kept even when `externalID` came from `objektnr_extern`).
    public var obid: String?
    public var title: String?
    public var url: String?
    public var address: Address
    /// Only when the feed gives one; geocoding through the gazetteer is the importer's job.
    public var coordinate: Coordinate?
    /// Rooms, halves allowed (`2,5` and `2.5` both read as 2.5).
    public var rooms: Double
    /// Living area in m².
    public var livingArea: Double
    /// 0 = ground floor, negative = basement.
    public var floor: Int?
    public var lift: Bool?
    /// Barrierefrei / stufenlos erreichbar.
    public var stepFree: Bool?
    /// Nettokaltmiete per month.
    public var netColdRent: Money
    /// Kalte Betriebskosten (OpenImmo `nebenkosten`); nil when the feed does not say, which leaves
    /// the Bruttokaltmiete unknown.
    public var operatingCosts: Money?
    /// Heizkosten per month; nil when unknown or when included in the operating costs.
    public var heatingCosts: Money?
    /// Heating is billed as part of the operating costs (OpenImmo `heizkosten_enthalten`).
    public var heatingIncluded: Bool
    public var heatingType: HeatingType?
    /// Kaution; computed from text such as "3 Nettokaltmieten" (3 × net cold rent).
    public var deposit: Money?
    public var availableFrom: CalendarDate?
    /// The source's words when it gave no date ("sofort", "nach Vereinbarung").
    public var availableFromText: String?
    /// Only with a Wohnberechtigungsschein (OpenImmo `wbs_sozialwohnung`).
    public var wbsRequired: Bool
    public var petsAllowed: Bool?
    /// Who to call; the importer links it to a landlord record.
    public var contact: LandlordContactDraft?

    public init(
        source: String, externalID: String, obid: String? = nil, title: String? = nil, url: String? = nil,
        address: Address, coordinate: Coordinate? = nil, rooms: Double, livingArea: Double, floor: Int? = nil,
        lift: Bool? = nil, stepFree: Bool? = nil, netColdRent: Money, operatingCosts: Money? = nil,
        heatingCosts: Money? = nil, heatingIncluded: Bool = false, heatingType: HeatingType? = nil,
        deposit: Money? = nil, availableFrom: CalendarDate? = nil, availableFromText: String? = nil,
        wbsRequired: Bool = false, petsAllowed: Bool? = nil, contact: LandlordContactDraft? = nil
    ) {
        self.source = source
        self.externalID = externalID
        self.obid = obid
        self.title = title
        self.url = url
        self.address = address
        self.coordinate = coordinate
        self.rooms = rooms
        self.livingArea = livingArea
        self.floor = floor
        self.lift = lift
        self.stepFree = stepFree
        self.netColdRent = netColdRent
        self.operatingCosts = operatingCosts
        self.heatingCosts = heatingCosts
        self.heatingIncluded = heatingIncluded
        self.heatingType = heatingType
        self.deposit = deposit
        self.availableFrom = availableFrom
        self.availableFromText = availableFromText
        self.wbsRequired = wbsRequired
        self.petsAllowed = petsAllowed
        self.contact = contact
    }

    public var identity: ListingIdentity { ListingIdentity(source: source, externalID: externalID) }

    /// Bruttokaltmiete: net cold rent + cold operating costs, what the KdU limit is measured on.
    /// Nil when the feed gave no operating costs (the limit cannot be judged honestly then).
    public var grossColdRent: Money? { operatingCosts.map { netColdRent + $0 } }

    /// The normalised content in a fixed order, one `name=value` per field, separated by U+001F.
    ///
    /// Identity (`source`, `externalID`, `obid`) is left out: the hash answers "did this flat's
    /// content change?". Absent values are written as empty text; numbers in a fixed format
    /// (money in cents, decimals with `String(Double)`), so the string is the same on every platform.
    public var canonicalContent: String {
        var text = ContentText()
        writeContent(to: &text)
        return text.value
    }

    /// A stable fingerprint of `canonicalContent`: FNV-1a 64-bit, as 16 lowercase hex digits.
    ///
    /// FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over the UTF-8 bytes is not
    /// cryptographic, but it is stable across runs, platforms and Swift versions (unlike `hashValue`),
    /// which is all change detection needs. SHA-256 is not in Foundation on Linux. The bytes are
    /// hashed as they are written, without building the string (it ran once per flat of every feed).
    public var contentHash: String {
        var hasher = ContentHasher()
        writeContent(to: &hasher)
        return hasher.fnv.hex
    }

    /// Writes `canonicalContent` field by field: the one definition behind the text and the hash.
    private func writeContent<Sink: ContentSink>(to sink: inout Sink) {
        func text(_ name: StaticString, _ value: String?) { sink.field(name, value ?? "") }
        func flag(_ name: StaticString, _ value: Bool?) { sink.field(name, value.map { $0 ? "1" : "0" } ?? "") }
        func money(_ name: StaticString, _ value: Money?) { sink.field(name, value.map { String($0.cents) } ?? "") }
        text("title", title)
        text("url", url)
        text("street", address.street)
        text("house_number", address.houseNumber)
        text("postal_code", address.postalCode?.rawValue)
        text("place", address.place)
        text("latitude", coordinate.map { String($0.latitude) })
        text("longitude", coordinate.map { String($0.longitude) })
        text("rooms", String(rooms))
        text("living_area", String(livingArea))
        text("floor", floor.map(String.init))
        flag("lift", lift)
        flag("step_free", stepFree)
        money("net_cold_rent", netColdRent)
        money("operating_costs", operatingCosts)
        money("heating_costs", heatingCosts)
        flag("heating_included", heatingIncluded)
        text("heating_type", heatingType?.rawValue)
        money("deposit", deposit)
        text("available_from", availableFrom?.iso)
        text("available_from_text", availableFromText)
        flag("wbs_required", wbsRequired)
        flag("pets_allowed", petsAllowed)
        text("landlord_company", contact?.company)
        text("contact_name", contact?.name)
        text("contact_phone", contact?.phone)
        text("contact_email", contact?.email)
    }
}

/// Receives `name=value` fields, separated by U+001F.
private protocol ContentSink {
    mutating func field(_ name: StaticString, _ value: String)
}

/// Hashes `canonicalContent` without building it.
private struct ContentHasher: ContentSink {
    var fnv = FNV1a64()
    private var started = false

    mutating func field(_ name: StaticString, _ field: String) {
        if started { fnv.add(0x1F) }
        started = true
        name.withUTF8Buffer { for byte in $0 { fnv.add(byte) } }
        fnv.add(0x3D)  // "="
        fnv.add(field)
    }
}

/// Builds `canonicalContent`.
private struct ContentText: ContentSink {
    var value = ""
    mutating func field(_ name: StaticString, _ field: String) {
        if !value.isEmpty { value += "\u{1F}" }
        value += "\(name)=\(field)"
    }
}

/// The contact a feed names for a flat (OpenImmo `kontaktperson`).
public struct LandlordContactDraft: Hashable, Sendable {
    /// The letting company or cooperative (OpenImmo `kontaktperson/firma`, else `anbieter/firma`).
    public var company: String?
    /// The person, e.g. "Frau Jana Beispiel".
    public var name: String?
    public var phone: String?
    public var email: String?

    public init(company: String? = nil, name: String? = nil, phone: String? = nil, email: String? = nil) {
        self.company = company
        self.name = name
        self.phone = phone
        self.email = email
    }

    public var isEmpty: Bool { company == nil && name == nil && phone == nil && email == nil }
}

/// FNV-1a, 64 bit (http://www.isthe.com/chongo/tech/comp/fnv/), fed incrementally.
public struct FNV1a64 {
    /// The hash of everything added so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public static func hash(_ text: String) -> UInt64 {
        var hasher = FNV1a64()
        hasher.add(text)
        return hasher.value
    }

    public static func hex(_ text: String) -> String {
        var hasher = FNV1a64()
        hasher.add(text)
        return hasher.hex
    }

    /// `value` as 16 lowercase hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    @inline(__always) public mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    public mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { for byte in $0 { add(byte) } }  // contiguous: no copy for native strings
    }
}

