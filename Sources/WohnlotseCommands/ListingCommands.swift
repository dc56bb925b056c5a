import ArgumentParser
import Foundation
import HousingDomain
import HousingStore

struct LandlordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landlord", abstract: "Landlords, their openness to refugee households, and the contact log.",
        subcommands: [Add.self, Edit.self, List.self, Show.self, Contact.self])

    struct Fields: ParsableArguments {
        @Option(help: "private, company, cooperative or municipal.") var kind: Landlord.Kind?
        @Option(help: "Whom to speak to.") var contactPerson: String?
        @Option(help: "Phone number.") var phone: String?
        @Option(help: "Email address.") var email: String?
        @Option(help: "Rents to refugee households: unknown, open or declined.") var openness: Landlord.Openness?
        @OptionGroup var place: PlaceOptions

        func apply(to l: inout Landlord) {
            if let kind { l.kind = kind }
            if let contactPerson { l.contactPerson = contactPerson }
            if let phone { l.phone = phone }
            if let email { l.email = email }
            if let openness { l.openness = openness }
            if place.postalCode != nil || place.place != nil || place.street != nil {
                l.address = Address(street: place.street, houseNumber: place.houseNumber, postalCode: place.postalCode, place: place.place)
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a landlord.",
            discussion: "Example: wohnlotse landlord add 'Baugenossenschaft Probstei eG' --kind cooperative --phone 04344-1234 --openness open")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Name of the person or company.") var name: String
        @OptionGroup var fields: Fields

        func run() throws {
            let (db, actor) = try global.session("landlord add")
            var landlord = Landlord(name: name, kind: fields.kind ?? .private)
            fields.apply(to: &landlord)
            if landlord.openness != .unknown { landlord.opennessRecordedOn = global.today }
            landlord = try db.createLandlord(landlord, by: actor)
            try global.emit(landlord) { print("Added landlord \(landlord.id?.description ?? "?"): \(landlord.name).") }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a landlord's details or openness.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Landlord id.") var id: Int64
        @Option(help: "New name.") var name: String?
        @OptionGroup var fields: Fields

        func run() throws {
            let (db, actor) = try global.session("landlord edit")
            let landlord = try db.updateLandlord(Landlord.ID(id), today: global.today, by: actor) { l in
                if let name { l.name = name }
                fields.apply(to: &l)
            }
            try global.emit(landlord) { print("Updated landlord \(id): \(landlord.name), openness \(landlord.openness.rawValue).") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List landlords.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let (db, actor) = try global.session("landlord list")
            let landlords = try db.landlords(by: actor)
            try global.emit(landlords) {
                print(Output.table(["id", "name", "kind", "openness", "phone", "email"], landlords.map {
                    [$0.id?.description ?? "?", $0.name, $0.kind.rawValue, $0.openness.rawValue, Output.dash($0.phone), Output.dash($0.email)]
                }))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a landlord with the contact log.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Landlord id.") var id: Int64

        func run() throws {
            let (db, actor) = try global.session("landlord show")
            let detail = try db.landlordDetail(Landlord.ID(id), by: actor)
            let names = try db.userNames()
            try global.emit(detail) {
                let l = detail.landlord
                print("Landlord \(l.id?.description ?? "?"): \(l.name)")
                print(Output.fields([
                    ("kind", l.kind.rawValue), ("contact", l.contactPerson), ("phone", l.phone), ("email", l.email),
                    ("address", l.address?.oneLine.nilIfEmpty),
                    ("openness", l.openness.rawValue + (l.opennessRecordedOn.map { " (recorded \($0.iso)\(l.opennessRecordedBy.map { " by \($0)" } ?? ""))" } ?? "")),
                    ("active listings", String(detail.activeListings)),
                ]))
                print("\nContacts (\(detail.contacts.count))")
                print(Output.table(["date", "coach", "channel", "outcome", "follow-up"], detail.contacts.map {
                    [$0.date.iso, names[$0.coachID] ?? "?", $0.channel.rawValue, $0.outcome, $0.followUp?.iso ?? "-"]
                }))
            }
        }
    }

    struct Contact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log a contact with a landlord.",
            discussion: "Example: wohnlotse landlord contact 4 --channel phone --outcome 'Has a 3-room flat in May' --follow-up 2026-04-01")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Landlord id.") var id: Int64
        @Option(help: "phone, email, letter, in-person or other.") var channel: LandlordContact.Channel
        @Option(help: "What came of it.") var outcome: String
        @Option(help: "Day of the contact (default: today).", transform: Parse.date) var date: CalendarDate?
        @Option(help: "When to follow up (YYYY-MM-DD).", transform: Parse.date) var followUp: CalendarDate?

        func run() throws {
            let (db, actor) = try global.session("landlord contact")
            let contact = try db.addLandlordContact(
                LandlordContact(landlordID: Landlord.ID(id), date: date ?? global.today, coachID: actor.userID, channel: channel, outcome: outcome, followUp: followUp),
                by: actor)
            try global.emit(contact) { print("Logged \(contact.channel.rawValue) contact with landlord \(id) on \(contact.date.iso).") }
        }
    }
}

/// The flat fields shared by `listing add` and `listing edit`.
struct ListingFields: ParsableArguments {
    @Option(help: "Short title.") var title: String?
    @Option(help: "Link to the advert.") var url: String?
    @OptionGroup var place: PlaceOptions
    @Option(help: "Municipality (AGS), when the place alone is ambiguous.", transform: Parse.municipality) var municipality: MunicipalityKey?
    @Option(help: "Rooms, halves allowed (2.5).", transform: Parse.number) var rooms: Double?
    @Option(help: "Living area in m².", transform: Parse.number) var area: Double?
    @Option(help: "Floor (0 = ground floor).") var floor: Int?
    @Flag(inversion: .prefixedNo, help: "Has a lift.") var lift: Bool?
    @Flag(inversion: .prefixedNo, help: "Step-free access.") var stepFree: Bool?
    @Option(help: "Nettokaltmiete in euros per month.", transform: Parse.money) var rent: Money?
    @Option(help: "Kalte Betriebskosten in euros per month.", transform: Parse.money) var operating: Money?
    @Option(help: "Heizkosten in euros per month.", transform: Parse.money) var heating: Money?
    @Flag(inversion: .prefixedNo, help: "Heating is included in the operating costs.") var heatingIncluded: Bool?
    @Option(help: "gas, oil, district-heating, heat-pump or electric.") var heatingType: HeatingType?
    @Option(help: "Kaution in euros.", transform: Parse.money) var deposit: Money?
    @Option(help: "Available from (YYYY-MM-DD).", transform: Parse.date) var available: CalendarDate?
    @Flag(inversion: .prefixedNo, help: "Only with a WBS.") var wbsRequired: Bool?
    @Flag(inversion: .prefixedNo, help: "Pets allowed.") var petsAllowed: Bool?
    @Option(help: "Landlord id.") var landlord: Int64?
    @Option(help: "active, reserved, let or gone.") var status: Listing.Status?

    func apply(to l: inout Listing) {
        if let title { l.title = title }
        if let url { l.url = url }
        if place.postalCode != nil || place.place != nil || place.street != nil || place.houseNumber != nil {
            l.address = Address(
                street: place.street ?? l.address.street, houseNumber: place.houseNumber ?? l.address.houseNumber,
                postalCode: place.postalCode ?? l.address.postalCode, place: place.place ?? l.address.place)
        }
        if let municipality { l.municipality = municipality }
        if let rooms { l.rooms = rooms }
        if let area { l.livingArea = area }
        if let floor { l.floor = floor }
        if let lift { l.lift = lift }
        if let stepFree { l.stepFree = stepFree }
        if let rent { l.netColdRent = rent }
        if let operating { l.operatingCosts = operating }
        if let heating { l.heatingCosts = heating }
        if let heatingIncluded { l.heatingIncluded = heatingIncluded }
        if let heatingType { l.heatingType = heatingType }
        if let deposit { l.deposit = deposit }
        if let available { l.availableFrom = available }
        if let wbsRequired { l.wbsRequired = wbsRequired }
        if let petsAllowed { l.petsAllowed = petsAllowed }
        if let landlord { l.landlordID = Landlord.ID(landlord) }
        if let status { l.status = status }
    }
}

struct ListingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listing", abstract: "Flats to rent: from the importer, or entered by hand when a coach hears of one.",
        subcommands: [Add.self, Edit.self, List.self, Show.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enter a flat by hand (source 'manual').",
            discussion: "Example: wohnlotse listing add --postal-code 24306 --place Plön --street 'Lange Straße' --house-number 12 --rooms 3 --area 72 --rent 450 --operating 120 --heating 85 --heating-type gas")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var fields: ListingFields

        func validate() throws {
            guard fields.place.postalCode != nil, fields.place.place != nil else {
                throw ValidationError("give --postal-code and --place of the flat")
            }
            guard fields.rooms != nil, fields.area != nil, fields.rent != nil, fields.operating != nil else {
                throw ValidationError("give --rooms, --area, --rent (Nettokaltmiete) and --operating (kalte Betriebskosten)")
            }
        }

        func run() throws {
            let (db, actor) = try global.session("listing add")
            let today = global.today
            var listing = Listing(
                source: "manual", externalID: "", address: Address(), rooms: 0, livingArea: 0,
                netColdRent: .zero, operatingCosts: .zero, firstSeen: today, lastSeen: today)
            fields.apply(to: &listing)
            listing = try Geocoding.resolve(listing, global: global)
            listing = try db.createListing(listing, by: actor)
            try global.emit(listing) {
                print("Added listing \(listing.id?.description ?? "?") (\(listing.source)/\(listing.externalID)): \(Output.rooms(listing.rooms)) rooms, \(Output.area(listing.livingArea)), Bruttokaltmiete \(listing.grossColdRent).")
            }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a listing (e.g. new rent, reserved, let).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Listing id.") var id: Int64
        @OptionGroup var fields: ListingFields

        func run() throws {
            let (db, actor) = try global.session("listing edit")
            var proposed = try db.listing(Listing.ID(id), by: actor)
            fields.apply(to: &proposed)
            if fields.place.postalCode != nil || fields.place.place != nil {
                proposed.municipality = fields.municipality
                proposed.coordinate = nil
                proposed = try Geocoding.resolve(proposed, global: global)
            }
            let final = proposed
            let listing = try db.updateListing(Listing.ID(id), by: actor) { $0 = final }
            try global.emit(listing) { print("Updated listing \(id): Bruttokaltmiete \(listing.grossColdRent), \(listing.status.rawValue).") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List listings, cheapest Bruttokaltmiete first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "active, reserved, let or gone (default: all).") var status: Listing.Status?
        @Option(help: "Only this municipality (AGS).", transform: Parse.municipality) var municipality: MunicipalityKey?
        @Option(help: "Highest Bruttokaltmiete in euros.", transform: Parse.money) var maxRent: Money?
        @Option(help: "At least this many rooms.", transform: Parse.number) var minRooms: Double?
        @Option(help: "Only this source.") var source: String?
        @Option(help: "At most this many.") var limit: Int?

        func run() throws {
            let (db, actor) = try global.session("listing list")
            let listings = try db.listings(
                ListingFilter(status: status, municipality: municipality, maxGrossColdRent: maxRent, minRooms: minRooms, source: source, limit: limit),
                by: actor)
            try global.emit(listings) {
                print(Output.table(["id", "source", "place", "rooms", "area", "Bruttokalt", "heating", "floor", "status"], listings.map {
                    [$0.id?.description ?? "?", $0.source, [$0.address.postalCode?.rawValue, $0.address.place].compactMap { $0 }.joined(separator: " "),
                     Output.rooms($0.rooms), Output.area($0.livingArea), $0.grossColdRent.description,
                     $0.heatingIncluded ? "incl." : ($0.heatingCosts?.description ?? "?"), $0.floor.map(String.init) ?? "?",
                     $0.status.rawValue + ($0.duplicateOf.map { " (dup of \($0))" } ?? "")]
                }))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a listing with its costs and price history.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Listing id.") var id: Int64

        func run() throws {
            let (db, actor) = try global.session("listing show")
            let l = try db.listing(Listing.ID(id), by: actor)
            let history = try db.priceHistory(Listing.ID(id))
            try global.emit(l) {
                print("Listing \(id) (\(l.source)/\(l.externalID))" + (l.title.map { ": \($0)" } ?? ""))
                print(Output.fields([
                    ("address", l.address.oneLine), ("municipality", l.municipality?.rawValue),
                    ("rooms", Output.rooms(l.rooms)), ("living area", Output.area(l.livingArea)),
                    ("floor", l.floor.map(String.init)), ("lift", Output.yesNo(l.lift)), ("step-free", Output.yesNo(l.stepFree)),
                    ("Nettokaltmiete", l.netColdRent.description), ("kalte Betriebskosten", l.operatingCosts.description),
                    ("Bruttokaltmiete", l.grossColdRent.description),
                    ("Heizkosten", l.heatingIncluded ? "included in operating costs" : (l.heatingCosts?.description ?? "unknown")),
                    ("heating type", l.heatingType?.rawValue), ("Kaution", l.deposit?.description),
                    ("available from", l.availableFrom?.iso ?? l.availableFromText), ("WBS required", Output.yesNo(l.wbsRequired)),
                    ("pets allowed", Output.yesNo(l.petsAllowed)), ("landlord", l.landlordID?.description), ("url", l.url),
                    ("seen", "\(l.firstSeen.iso) to \(l.lastSeen.iso)"), ("status", l.status.rawValue),
                    ("duplicate of", l.duplicateOf?.description),
                ]))
                if history.count > 1 {
                    print("\nPrice history")
                    print(Output.table(["seen", "Nettokalt", "Betriebskosten"], history.map { [$0.0.iso, $0.1.description, $0.2.description] }))
                }
            }
        }
    }
}
