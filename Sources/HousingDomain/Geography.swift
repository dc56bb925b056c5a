import Foundation

/// A WGS84 point.
public struct Coordinate: Hashable, Codable, Sendable {
    public var latitude: Double
    public var longitude: Double

    /// Creates a point, or nil when latitude or longitude is out of range or not a number.
    public init?(latitude: Double, longitude: Double) {
        guard latitude.isFinite, longitude.isFinite, (-90...90).contains(latitude), (-180...180).contains(longitude)
        else { return nil }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Great-circle distance in kilometres (haversine, mean Earth radius 6371.0088 km).
    ///
    /// This is straight-line distance: on rural roads the real way is longer, and every figure
    /// derived from it is an estimate.
    public func distanceKilometres(to other: Coordinate) -> Double {
        let rad = Double.pi / 180
        let dLat = (other.latitude - latitude) * rad
        let dLon = (other.longitude - longitude) * rad
        let a = sin(dLat / 2) * sin(dLat / 2)
            + cos(latitude * rad) * cos(other.latitude * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * 6371.0088 * asin(min(1, sqrt(a)))
    }
}

/// Amtlicher Gemeindeschlüssel: the 8-digit official key of a municipality, e.g. `01057057` (Plön).
public struct MunicipalityKey: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Nil unless `text` is exactly eight ASCII digits.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count == 8, t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        rawValue = t
    }

    /// The 5-digit district (Kreis) part, e.g. `01057` for Kreis Plön.
    public var districtCode: String { String(rawValue.prefix(5)) }

    /// The 2-digit state (Land) part, e.g. `01` for Schleswig-Holstein.
    public var stateCode: String { String(rawValue.prefix(2)) }

    public var description: String { rawValue }

    public static func < (lhs: MunicipalityKey, rhs: MunicipalityKey) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let key = MunicipalityKey(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an 8-digit municipality key (AGS) like 01057057")
        }
        self = key
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A German postal code (PLZ): five digits, kept as text with its leading zero.
public struct PostalCode: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ text: String) {
        if text.utf8.count == 5, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            rawValue = text  // five ASCII digits: what the checks below accept unchanged
            return
        }
        let t = text.trimmedOfWhitespaces
        guard t.count == 5, t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        rawValue = t
    }

    public var description: String { rawValue }
    public static func < (lhs: PostalCode, rhs: PostalCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = PostalCode(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a 5-digit postal code")
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A postal address as coaches and feeds give it: postal code and place at least.
public struct Address: Hashable, Codable, Sendable {
    public var street: String?
    public var houseNumber: String?
    public var postalCode: PostalCode?
    public var place: String?

    public init(street: String? = nil, houseNumber: String? = nil, postalCode: PostalCode? = nil, place: String? = nil) {
        self.street = street
        self.houseNumber = houseNumber
        self.postalCode = postalCode
        self.place = place
    }

    /// `Lange Straße 12, 24306 Plön`
    public var oneLine: String {
        let streetPart = [street, houseNumber].compactMap { $0 }.joined(separator: " ")
        let placePart = [postalCode?.rawValue, place].compactMap { $0 }.joined(separator: " ")
        return [streetPart, placePart].filter { !$0.isEmpty }.joined(separator: ", ")
    }
}

extension String {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation when both ends are ASCII other
    /// than space and tab (nothing to trim then): the importer checks two such fields per flat.
    var trimmedOfWhitespaces: String {
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80, first != 0x20, first != 0x09,
            last != 0x20, last != 0x09
        {
            return self
        }
        return trimmingCharacters(in: .whitespaces)
    }
}
