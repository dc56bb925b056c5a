import HousingDomain
import RuleBook

/// Resolves addresses to municipality and coordinates through the gazetteer in `Rules/`.
enum Geocoding {
    /// Gives an anchor coordinates from its postal code and place, unless it has them.
    static func resolve(_ anchor: Anchor, global: GlobalOptions) throws -> Anchor {
        guard anchor.coordinate == nil, let postalCode = anchor.address.postalCode, let place = anchor.address.place else { return anchor }
        var resolved = anchor
        let found = try entry(postalCode: postalCode, place: place, global: global, what: "anchor")
        resolved.coordinate = found.coordinate
        resolved.address.place = found.place
        return resolved
    }

    /// Gives a listing its municipality (AGS) and coordinates from postal code and place.
    static func resolve(_ listing: Listing, global: GlobalOptions) throws -> Listing {
        guard listing.municipality == nil || listing.coordinate == nil,
            let postalCode = listing.address.postalCode, let place = listing.address.place
        else { return listing }
        let found = try entry(postalCode: postalCode, place: place, global: global, what: "listing")
        var resolved = listing
        if resolved.municipality == nil { resolved.municipality = found.municipality }
        if resolved.coordinate == nil { resolved.coordinate = found.coordinate }
        resolved.address.place = found.place
        return resolved
    }

    private static func entry(postalCode: PostalCode, place: String, global: GlobalOptions, what: String) throws -> GazetteerEntry {
        let book = try global.ruleBook()
        do {
            return try book.gazetteer.resolve(postalCode: postalCode, place: place)
        } catch {
            throw CommandFailure(description: "\(error.description) (for places outside the gazetteer give --lat and --lon of the \(what))")
        }
    }
}
