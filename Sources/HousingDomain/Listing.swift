import Foundation

/// A flat to rent, from a feed or entered by a coach.
public struct Listing: Hashable, Codable, Sendable {
    public typealias ID = EntityID<Listing>

    public var id: ID?
    /// The feed's name from `Imports/sources.yaml`, or `manual` for flats a coach entered.
    public var source: String
    /// The source's own identity for the flat (OpenImmo `objektnr_extern`); unique per source.
    public var externalID: String
    public var url: String?
    public var title: String?
    public var address: Address
    public var municipality: MunicipalityKey?
    public var coordinate: Coordinate?
    /// Rooms, halves allowed (2.5).
    public var rooms: Double
    /// Living area in m².
    public var livingArea: Double
    /// Floor, 0 = ground floor, negative = basement.
    public var floor: Int?
    public var lift: Bool?
    public var stepFree: Bool?
    /// Nettokaltmiete.
    public var netColdRent: Money
    /// Kalte Betriebskosten (Nebenkosten without heating).
    public var operatingCosts: Money
    /// Heizkosten per month; nil when unknown.
    public var heatingCosts: Money?
    /// Heating is part of the operating costs and not billed on its own.
    public var heatingIncluded: Bool
    public var heatingType: HeatingType?
    /// Kaution.
    public var deposit: Money?
    public var availableFrom: CalendarDate?
    /// The source's own words when it gave no date ("sofort", "nach Vereinbarung").
    public var availableFromText: String?
    public var wbsRequired: Bool
    /// Whether pets are allowed; nil when the listing does not say.
    public var petsAllowed: Bool?
    public var landlordID: Landlord.ID?
    public var firstSeen: CalendarDate
    public var lastSeen: CalendarDate
    public var status: Status
    /// Set when this is the same flat as another listing from another source.
    public var duplicateOf: Listing.ID?

    public enum Status: String, Hashable, Codable, Sendable, CaseIterable {
        case active, reserved, `let`, gone
    }

    public init(
        id: ID? = nil, source: String, externalID: String, url: String? = nil, title: String? = nil,
        address: Address, municipality: MunicipalityKey? = nil, coordinate: Coordinate? = nil, rooms: Double,
        livingArea: Double, floor: Int? = nil, lift: Bool? = nil, stepFree: Bool? = nil, netColdRent: Money,
        operatingCosts: Money, heatingCosts: Money? = nil, heatingIncluded: Bool = false, heatingType: HeatingType? = nil,
        deposit: Money? = nil, availableFrom: CalendarDate? = nil, availableFromText: String? = nil,
        wbsRequired: Bool = false, petsAllowed: Bool? = nil, landlordID: Landlord.ID? = nil, firstSeen: CalendarDate,
        lastSeen: CalendarDate, status: Status = .active, duplicateOf: Listing.ID? = nil
    ) {
        self.id = id
        self.source = source
        self.externalID = externalID
        self.url = url
        self.title = title
        self.address = address
        self.municipality = municipality
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
        self.landlordID = landlordID
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.status = status
        self.duplicateOf = duplicateOf
    }

    /// Bruttokaltmiete: net cold rent plus cold operating costs; what the KdU limit is measured on.
    public var grossColdRent: Money { netColdRent + operatingCosts }

    public func validate() throws {
        if source.trimmedOfWhitespaces.isEmpty {
            throw DomainError.invalidField(field: "source", value: source, hint: "name the source, or use 'manual'")
        }
        if externalID.trimmedOfWhitespaces.isEmpty {
            throw DomainError.invalidField(field: "external id", value: externalID, hint: "give the source's id for the flat")
        }
        guard rooms.isFinite, rooms >= 1, rooms <= 20, (rooms * 2).rounded() == rooms * 2 else {
            throw DomainError.invalidField(field: "rooms", value: String(rooms), hint: "give 1 to 20 rooms, halves allowed (2.5)")
        }
        guard livingArea.isFinite, livingArea >= 8, livingArea <= 500 else {
            throw DomainError.invalidField(field: "living area", value: String(livingArea), hint: "give the living area in m², 8 to 500")
        }
        for (name, value) in [("net cold rent", netColdRent), ("operating costs", operatingCosts)] where value.cents < 0 {
            throw DomainError.invalidField(field: name, value: value.decimalString, hint: "an amount cannot be negative")
        }
        for (name, value) in [("heating costs", heatingCosts), ("deposit", deposit)] {
            if let value, value.cents < 0 {
                throw DomainError.invalidField(field: name, value: value.decimalString, hint: "an amount cannot be negative")
            }
        }
        if netColdRent.cents == 0 {
            throw DomainError.invalidField(field: "net cold rent", value: "0.00", hint: "give the Nettokaltmiete in euros")
        }
        if let floor, !(-2...40).contains(floor) {
            throw DomainError.invalidField(field: "floor", value: String(floor), hint: "give a floor from -2 to 40 (0 = ground floor)")
        }
    }
}

/// How a flat is heated; decides the heating-cost threshold.
public enum HeatingType: String, Hashable, Codable, Sendable, CaseIterable {
    case gas, oil
    case district = "district-heating"
    case heatPump = "heat-pump"
    case electric
}
