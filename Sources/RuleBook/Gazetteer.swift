import Foundation
import HousingDomain

/// One postal-code/place row of the gazetteer: the municipality it belongs to, its Amt and its point.
public struct GazetteerEntry: Hashable, Sendable, Codable {
    public var postalCode: PostalCode
    /// The GeoNames place name, e.g. `Raisdorf` (now part of Schwentinental).
    public var place: String
    /// The official municipality name, e.g. `Plön, Stadt`.
    public var municipalityName: String
    public var municipality: MunicipalityKey
    /// The Amt, or nil for amtsfreie municipalities and kreisfreie Städte.
    public var amt: String?
    public var districtName: String
    /// 5-digit district code, `01057` for Kreis Plön.
    public var districtCode: String
    /// The GeoNames point of this postal code and place.
    public var placeCoordinate: Coordinate
    /// True when the GeoNames point was only given to the nearest arc-minute (about ±1 km).
    public var onMinuteGrid: Bool
    /// The municipality's reference point from the Destatis Gemeindeverzeichnis.
    public var municipalityCoordinate: Coordinate

    /// The point to use: the municipality's point when the GeoNames point is only on the minute grid.
    public var coordinate: Coordinate { onMinuteGrid ? municipalityCoordinate : placeCoordinate }

    /// True for municipalities of Kreis Plön.
    public var isInKreisPloen: Bool { districtCode == Gazetteer.kreisPloenCode }
}

/// Resolves postal code + place, or a municipality key, to a municipality of Kreis Plön, Kiel or a neighbour.
///
/// Data: GeoNames postal codes (CC BY 4.0) joined with the Destatis Gemeindeverzeichnis (dl-de/by-2-0);
/// see `Rules/README.md`. Places are matched case- and diacritics-insensitively ("Ploen" finds "Plön",
/// "Plön" finds "Plön, Stadt"); a postal code alone is never enough.
public struct Gazetteer: Sendable {
    public static let kreisPloenCode = "01057"

    /// Every row, in file order.
    public let entries: [GazetteerEntry]

    /// The representative row per municipality, computed once: matching judges many flats.
    private let representative: [MunicipalityKey: GazetteerEntry]

    public init(entries: [GazetteerEntry]) {
        self.entries = entries
        var representative: [MunicipalityKey: GazetteerEntry] = [:]
        for row in entries {
            let isOwn = PlaceName.keys(row.municipalityName).contains(PlaceName.normalized(row.place))
            if representative[row.municipality] == nil || isOwn && !Self.isOwnRow(representative[row.municipality]) {
                representative[row.municipality] = row
            }
        }
        self.representative = representative
    }

    private static func isOwnRow(_ row: GazetteerEntry?) -> Bool {
        guard let row else { return false }
        return PlaceName.keys(row.municipalityName).contains(PlaceName.normalized(row.place))
    }

    /// The municipalities of Kreis Plön (AGS 01057…), each once.
    public var kreisPloenMunicipalities: [MunicipalityKey] {
        Array(Set(entries.filter(\.isInKreisPloen).map(\.municipality))).sorted()
    }

    /// The Ämter of Kreis Plön as written in the gazetteer.
    public var kreisPloenAemter: [String] {
        Array(Set(entries.filter(\.isInKreisPloen).compactMap(\.amt))).sorted()
    }

    /// The representative row of a municipality: the row whose place is the municipality's own name, else the first.
    public func entry(for key: MunicipalityKey) -> GazetteerEntry? {
        representative[key]
    }

    /// All postal codes of a municipality.
    public func postalCodes(for key: MunicipalityKey) -> [PostalCode] {
        Array(Set(entries.filter { $0.municipality == key }.map(\.postalCode))).sorted()
    }

    /// Resolves a postal code and place name to one gazetteer row.
    ///
    /// - Throws: `PlaceLookupError` with the nearest candidates when the postal code is unknown, no place of
    ///   that name has the postal code, or the name matches several municipalities.
    public func resolve(postalCode: PostalCode, place: String) throws(PlaceLookupError) -> GazetteerEntry {
        let query = PlaceName.normalizedVariants(place)
        let sameCode = entries.filter { $0.postalCode == postalCode }
        guard !sameCode.isEmpty else {
            throw .unknownPostalCode(postalCode: postalCode.rawValue, place: place, candidates: nearest(to: place, preferring: nil))
        }
        guard !query.isEmpty else {
            throw .ambiguous(postalCode: postalCode.rawValue, place: place, candidates: sameCode)
        }
        // Exact place names first (Klausdorf is Schwentinental even though the municipality name differs),
        // then municipality names ("Plön" for "Plön, Stadt").
        let byPlace = sameCode.filter { !PlaceName.normalizedVariants($0.place).isDisjoint(with: query) }
        let matches = byPlace.isEmpty
            ? sameCode.filter { row in
                !Set(PlaceName.keys(row.municipalityName) + PlaceName.keys(row.place)).isDisjoint(with: query)
            }
            : byPlace
        let municipalities = Set(matches.map(\.municipality))
        if municipalities.count == 1, let first = matches.first { return first }
        if municipalities.count > 1 {
            throw .ambiguous(postalCode: postalCode.rawValue, place: place, candidates: matches)
        }
        throw .unknownPlace(postalCode: postalCode.rawValue, place: place, candidates: nearest(to: place, preferring: postalCode))
    }

    /// Up to five rows whose names are closest to `place`, rows with `preferring` as postal code first.
    public func nearest(to place: String, preferring postalCode: PostalCode?, limit: Int = 5) -> [GazetteerEntry] {
        let query = PlaceName.normalized(place)
        var seen = Set<String>()
        let scored = entries.map { row -> (GazetteerEntry, Int) in
            let names = PlaceName.keys(row.place) + PlaceName.keys(row.municipalityName)
            let distance = names.map { editDistance(query, $0) }.min() ?? Int.max
            let bonus = row.postalCode == postalCode ? -3 : 0
            return (row, distance + bonus)
        }
        .sorted { ($0.1, $0.0.postalCode, $0.0.place) < ($1.1, $1.0.postalCode, $1.0.place) }
        var result: [GazetteerEntry] = []
        for (row, _) in scored where seen.insert("\(row.postalCode)|\(row.municipality)").inserted {
            result.append(row)
            if result.count == limit { break }
        }
        return result
    }
}

/// Place-name normalisation for matching typed names against the gazetteer.
enum PlaceName {
    /// Lowercased, `ä→ae ö→oe ü→ue ß→ss`, other diacritics removed, punctuation as spaces, spaces collapsed.
    static func normalized(_ text: String) -> String {
        var s = text.lowercased()
        for (from, to) in [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")] {
            s = s.replacingOccurrences(of: from, with: to)
        }
        return collapse(s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil))
    }

    /// Like `normalized`, but umlauts lose their dots instead (`ö→o`), for people who type "Plon".
    static func stripped(_ text: String) -> String {
        collapse(text.lowercased().folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil))
    }

    static func normalizedVariants(_ text: String) -> Set<String> {
        Set([normalized(text), stripped(text)].filter { !$0.isEmpty })
    }

    /// Names a row can be found by: the whole name, the part before a comma (`Plön, Stadt` → `Plön`),
    /// and the name without brackets (`Ascheberg (Holstein)` → `Ascheberg`), each in both normalisations.
    static func keys(_ name: String) -> [String] {
        var forms = [name]
        if let comma = name.firstIndex(of: ",") { forms.append(String(name[..<comma])) }
        if let bracket = name.firstIndex(of: "(") { forms.append(String(name[..<bracket])) }
        return Array(Set(forms.flatMap { normalizedVariants($0) }))
    }

    private static func collapse(_ s: String) -> String {
        let mapped = s.map { $0.isLetter || $0.isNumber ? $0 : " " }
        return String(mapped).split(separator: " ").joined(separator: " ")
    }
}

/// Reads `gazetteer-ploen.csv`, reporting bad rows as problems with their line numbers.
enum GazetteerReader {
    static let requiredColumns = [
        "postal_code", "place", "municipality", "ags", "amt", "kreis", "kreis_code", "lat", "lon",
        "coord_precision", "municipality_lat", "municipality_lon",
    ]

    static func read(text: String, displayName: String, problems: inout [RuleProblem]) -> Gazetteer {
        func report(_ line: Int, _ field: String?, _ message: String, _ fix: String) {
            problems.append(RuleProblem(file: displayName, line: line, field: field, message: message, fix: fix))
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let headerLine = lines.first, !headerLine.isEmpty else {
            report(1, nil, "the gazetteer is empty", "restore it from ../shared/data/gazetteer-ploen.csv")
            return Gazetteer(entries: [])
        }
        let header = splitCSV(headerLine)
        var column: [String: Int] = [:]
        for (index, name) in header.enumerated() { column[name] = index }
        let missing = requiredColumns.filter { column[$0] == nil }
        guard missing.isEmpty else {
            report(1, nil, "missing column(s) \(missing.joined(separator: ", "))", "restore the header line: \(requiredColumns.joined(separator: ","))…")
            return Gazetteer(entries: [])
        }
        var entries: [GazetteerEntry] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let number = offset + 1
            let fields = splitCSV(line)
            func value(_ name: String) -> String {
                guard let index = column[name], index < fields.count else { return "" }
                return fields[index].trimmingCharacters(in: .whitespaces)
            }
            guard fields.count == header.count else {
                report(number, nil, "has \(fields.count) fields, the header has \(header.count)", "fix the commas or quotes in this row")
                continue
            }
            guard let postalCode = PostalCode(value("postal_code")) else {
                report(number, "postal_code", "'\(value("postal_code"))' is not a 5-digit postal code", "write the postal code with its leading zero")
                continue
            }
            guard let key = MunicipalityKey(value("ags")) else {
                report(number, "ags", "'\(value("ags"))' is not an 8-digit municipality key", "write the AGS, e.g. 01057057")
                continue
            }
            guard let lat = Double(value("lat")), let lon = Double(value("lon")),
                let point = Coordinate(latitude: lat, longitude: lon)
            else {
                report(number, "lat/lon", "'\(value("lat")),\(value("lon"))' is not a coordinate", "write decimal degrees with a point, e.g. 54.16,10.42")
                continue
            }
            guard let mlat = Double(value("municipality_lat")), let mlon = Double(value("municipality_lon")),
                let municipalityPoint = Coordinate(latitude: mlat, longitude: mlon)
            else {
                report(number, "municipality_lat/lon", "'\(value("municipality_lat")),\(value("municipality_lon"))' is not a coordinate", "write decimal degrees with a point")
                continue
            }
            let place = value("place")
            let name = value("municipality")
            guard !place.isEmpty, !name.isEmpty else {
                report(number, "place", "place or municipality name is empty", "fill in both names")
                continue
            }
            let amt = value("amt")
            entries.append(
                GazetteerEntry(
                    postalCode: postalCode, place: place, municipalityName: name, municipality: key,
                    amt: amt.isEmpty ? nil : amt, districtName: value("kreis"), districtCode: value("kreis_code"),
                    placeCoordinate: point, onMinuteGrid: value("coord_precision") == "minute_grid",
                    municipalityCoordinate: municipalityPoint))
        }
        return Gazetteer(entries: entries)
    }

    /// Splits one CSV line with double-quoted fields (`""` inside quotes is a quote).
    static func splitCSV(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = nil
        while let char = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if char == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(char)
                }
            } else if char == "\"" {
                inQuotes = true
            } else if char == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(char)
            }
        }
        fields.append(current)
        return fields
    }
}
