import GRDB
import HousingDomain

/// A landlord with its contact log.
public struct LandlordDetail: Codable, Sendable {
    public var landlord: Landlord
    public var contacts: [LandlordContact]
    public var activeListings: Int
}

/// Which listings to list.
public struct ListingFilter: Sendable {
    public var status: Listing.Status?
    public var municipality: MunicipalityKey?
    public var maxGrossColdRent: Money?
    public var minRooms: Double?
    public var source: String?
    public var limit: Int?
    public init(status: Listing.Status? = nil, municipality: MunicipalityKey? = nil, maxGrossColdRent: Money? = nil, minRooms: Double? = nil, source: String? = nil, limit: Int? = nil) {
        self.status = status
        self.municipality = municipality
        self.maxGrossColdRent = maxGrossColdRent
        self.minRooms = minRooms
        self.source = source
        self.limit = limit
    }
}

extension DerivableRequest<Listing> {
    /// Listings that can still be offered: active, and not the second copy of a flat seen elsewhere.
    public func offerable() -> Self { filter(Column("status") == "active" && Column("duplicateOfId") == nil) }
    func withStatus(_ status: Listing.Status) -> Self { filter(Column("status") == status.rawValue) }
    func inMunicipality(_ key: MunicipalityKey) -> Self { filter(Column("municipality") == key.rawValue) }
    func grossColdRent(atMost limit: Money) -> Self {
        filter(Column("netColdRentCents") + Column("operatingCostsCents") <= limit.cents)
    }
}

extension AppDatabase {
    // MARK: Landlords

    public func createLandlord(_ landlord: Landlord, by actor: Actor) throws -> Landlord {
        var landlord = landlord
        try validating { try landlord.validate() }
        return try write { db in
            try require(actor, .housingMarket, action: "add landlords")
            if landlord.openness != .unknown {
                landlord.opennessRecordedBy = actor.name
            }
            try landlord.insert(db)
            try Audit.record(db, actor: actor, action: "create", entity: "landlord", entityID: landlord.id?.rawValue)
            return landlord
        }
    }

    public func updateLandlord(_ id: Landlord.ID, today: CalendarDate, by actor: Actor, change: (inout Landlord) -> Void) throws -> Landlord {
        try write { db in
            try require(actor, .housingMarket, action: "edit landlords")
            guard var landlord = try Landlord.fetchOne(db, key: id.rawValue) else { throw notFoundLandlord(id) }
            let old = landlord
            change(&landlord)
            landlord.id = old.id
            if landlord.openness != old.openness {
                landlord.opennessRecordedOn = landlord.opennessRecordedOn ?? today
                landlord.opennessRecordedBy = actor.name
            }
            try validating { try landlord.validate() }
            try landlord.update(db)
            try Audit.record(db, actor: actor, action: "update", entity: "landlord", entityID: id.rawValue,
                detail: "fields: \(Audit.changedFields(old, landlord).joined(separator: ", "))")
            return landlord
        }
    }

    public func landlords(by actor: Actor) throws -> [Landlord] {
        try read { db in
            try require(actor, .housingMarket, action: "see landlords")
            return try Landlord.order(Column("name").collating(.localizedCaseInsensitiveCompare)).fetchAll(db)
        }
    }

    /// A landlord with the contact log; audited, since the log holds what coaches wrote about people.
    public func landlordDetail(_ id: Landlord.ID, by actor: Actor) throws -> LandlordDetail {
        try write { db in
            try require(actor, .housingMarket, action: "see landlords and their contact log")
            guard let landlord = try Landlord.fetchOne(db, key: id.rawValue) else { throw notFoundLandlord(id) }
            try Audit.record(db, actor: actor, action: "read", entity: "landlord", entityID: id.rawValue)
            return LandlordDetail(
                landlord: landlord,
                contacts: try LandlordContact.filter(Column("landlordId") == id).order(Column("date").desc, Column("id").desc).fetchAll(db),
                activeListings: try Listing.filter(Column("landlordId") == id).offerable().fetchCount(db))
        }
    }

    public func addLandlordContact(_ contact: LandlordContact, by actor: Actor) throws -> LandlordContact {
        var contact = contact
        return try write { db in
            try require(actor, .housingMarket, action: "log landlord contacts")
            guard try Landlord.fetchOne(db, key: contact.landlordID.rawValue) != nil else { throw notFoundLandlord(contact.landlordID) }
            contact.coachID = actor.userID
            if contact.outcome.trimmingCharacters(in: .whitespaces).isEmpty {
                throw StoreError.invalid(.invalidField(field: "outcome", value: "", hint: "say what came of the contact, e.g. 'will call back'"))
            }
            if let followUp = contact.followUp, followUp < contact.date {
                throw StoreError.invalid(.invalidField(field: "follow-up", value: followUp.iso, hint: "the follow-up must not be before the contact (\(contact.date.iso))"))
            }
            try contact.insert(db)
            try Audit.record(db, actor: actor, action: "create", entity: "landlordContact", entityID: contact.id?.rawValue)
            return contact
        }
    }

    private func notFoundLandlord(_ id: Landlord.ID) -> StoreError {
        .notFound(entity: "landlord", key: id.description, hint: "'wohnlotse landlord list' shows landlords with their ids")
    }

    // MARK: Listings

    /// Adds a flat a coach heard of; it gets source `manual` and the next `M-n` id unless given one.
    public func createListing(_ listing: Listing, by actor: Actor) throws -> Listing {
        var listing = listing
        return try write { db in
            try require(actor, .housingMarket, action: "add listings")
            if listing.externalID.isEmpty {
                let count = try Listing.filter(Column("source") == listing.source).fetchCount(db)
                var n = count + 1
                while try Listing.filter(Column("source") == listing.source && Column("externalId") == "M-\(n)").fetchCount(db) > 0 { n += 1 }
                listing.externalID = "M-\(n)"
            }
            try validating { try listing.validate() }
            if let landlordID = listing.landlordID, try Landlord.fetchOne(db, key: landlordID.rawValue) == nil {
                throw notFoundLandlord(landlordID)
            }
            if try Listing.filter(Column("source") == listing.source && Column("externalId") == listing.externalID).fetchCount(db) > 0 {
                throw StoreError.duplicate(entity: "listing", field: "id in source \(listing.source)", value: listing.externalID)
            }
            try listing.insert(db)
            try recordPrice(listing, db)
            try Audit.record(db, actor: actor, action: "create", entity: "listing", entityID: listing.id?.rawValue)
            return listing
        }
    }

    public func updateListing(_ id: Listing.ID, by actor: Actor, change: (inout Listing) -> Void) throws -> Listing {
        try write { db in
            try require(actor, .housingMarket, action: "edit listings")
            guard var listing = try Listing.fetchOne(db, key: id.rawValue) else { throw notFoundListing(id) }
            let old = listing
            change(&listing)
            listing.id = old.id
            listing.source = old.source
            listing.externalID = old.externalID
            try validating { try listing.validate() }
            if let landlordID = listing.landlordID, try Landlord.fetchOne(db, key: landlordID.rawValue) == nil {
                throw notFoundLandlord(landlordID)
            }
            try listing.update(db)
            if old.netColdRent != listing.netColdRent || old.operatingCosts != listing.operatingCosts || old.heatingCosts != listing.heatingCosts {
                try recordPrice(listing, db)
            }
            try Audit.record(db, actor: actor, action: "update", entity: "listing", entityID: id.rawValue,
                detail: "fields: \(Audit.changedFields(old, listing).joined(separator: ", "))")
            return listing
        }
    }

    func recordPrice(_ listing: Listing, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO listingPrice (listingId, seenOn, netColdRentCents, operatingCostsCents, heatingCostsCents) VALUES (?, ?, ?, ?, ?)",
            arguments: [listing.id?.rawValue, listing.lastSeen.iso, listing.netColdRent.cents, listing.operatingCosts.cents, listing.heatingCosts?.cents])
    }

    public func listings(_ filter: ListingFilter, by actor: Actor) throws -> [Listing] {
        try read { db in
            try require(actor, .listings, action: "see listings")
            var request = Listing.all()
            if let status = filter.status { request = request.withStatus(status) }
            if let municipality = filter.municipality { request = request.inMunicipality(municipality) }
            if let max = filter.maxGrossColdRent { request = request.grossColdRent(atMost: max) }
            if let rooms = filter.minRooms { request = request.filter(Column("rooms") >= rooms) }
            if let source = filter.source { request = request.filter(Column("source") == source) }
            request = request.order(Column("netColdRentCents") + Column("operatingCostsCents"), Column("id"))
            if let limit = filter.limit { request = request.limit(limit) }
            return try request.fetchAll(db)
        }
    }

    public func listing(_ id: Listing.ID, by actor: Actor) throws -> Listing {
        try read { db in
            try require(actor, .listings, action: "see listings")
            guard let listing = try Listing.fetchOne(db, key: id.rawValue) else { throw notFoundListing(id) }
            return listing
        }
    }

    /// Price history of a listing, oldest first: (day, Nettokaltmiete, kalte Betriebskosten).
    public func priceHistory(_ id: Listing.ID) throws -> [(CalendarDate, Money, Money)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT seenOn, netColdRentCents, operatingCostsCents FROM listingPrice WHERE listingId = ? ORDER BY id", arguments: [id.rawValue])
                .compactMap { row in
                    guard let day = CalendarDate(iso: row["seenOn"]) else { return nil }
                    return (day, Money(cents: row["netColdRentCents"]), Money(cents: row["operatingCostsCents"]))
                }
        }
    }

    private func notFoundListing(_ id: Listing.ID) -> StoreError {
        .notFound(entity: "listing", key: id.description, hint: "'wohnlotse listing list' shows listings with their ids")
    }
}
