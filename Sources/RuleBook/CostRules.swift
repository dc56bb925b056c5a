import Foundation
import HousingDomain
import Yams

/// A comparison region (Vergleichsraum): a group of municipalities with one row of cost limits.
public struct ComparisonRegion: Hashable, Sendable, Codable {
    /// Short id as written in the rules file, e.g. `I`.
    public var id: String
    /// Name for people, e.g. `Vergleichsraum I Nord`.
    public var name: String
    /// Ämter whose municipalities all belong here, as written in the gazetteer.
    public var aemter: [String]
    /// Single municipalities (amtsfreie, or exceptions) that belong here.
    public var municipalityKeys: [MunicipalityKey]
    /// The resolved members: every municipality of the Ämter plus the single ones.
    public var members: Set<MunicipalityKey>
    /// Bruttokaltmiete limit by household size (1…largest size in the table).
    public var limits: [Int: Money]
}

/// One dated table of KdU limits for the whole county: regions, limits, appropriate areas and their rules.
public struct CostLimitTable: Hashable, Sendable {
    /// The first day the table applies; it applies until a newer table's `validFrom`.
    public var validFrom: CalendarDate
    /// Where the figures came from, in the file's words.
    public var source: String
    /// The file it was read from, e.g. `Rules/cost-limits/2020-01-01.yaml`.
    public var file: String
    public var regions: [ComparisonRegion]
    /// Appropriate living area in m² by household size, for the sizes the table lists.
    public var appropriateArea: [Int: Int]
    /// Extra m² for each person beyond the largest size in the table.
    public var areaPerFurtherPerson: Int
    /// How households larger than the table are judged, in the file's words (a local assumption).
    public var largerHouseholdNote: String
    /// Whether single people under 25 need a separate approval (§ 22 Abs. 5 SGB II).
    public var under25SingleNeedsApproval: Bool

    /// The largest household size with its own row.
    public var largestSize: Int { appropriateArea.keys.max() ?? 0 }

    public func region(containing key: MunicipalityKey) -> ComparisonRegion? {
        regions.first { $0.members.contains(key) }
    }

    /// Appropriate area for any household size: the table's row, or the largest row plus the extra per person.
    public func area(forHouseholdSize size: Int) -> Int {
        if let area = appropriateArea[size] { return area }
        let largest = largestSize
        return (appropriateArea[largest] ?? 0) + max(0, size - largest) * areaPerFurtherPerson
    }

    /// The limit for a household size in a region; beyond the table, the largest row scaled by appropriate area.
    public func limit(in region: ComparisonRegion, householdSize size: Int) -> (limit: Money, largerRule: Bool)? {
        if let limit = region.limits[size] { return (limit, false) }
        let largest = largestSize
        guard size > largest, let base = region.limits[largest], let baseArea = appropriateArea[largest], baseArea > 0
        else { return nil }
        return (base.scaled(by: Int64(area(forHouseholdSize: size)), over: Int64(baseArea)), true)
    }
}

/// Heating-cost thresholds in force from a date, and the § 22 Abs. 10 SGB II combined-cap switch.
public struct HeatingRules: Hashable, Sendable {
    public var validFrom: CalendarDate
    public var source: String
    public var file: String
    /// True while the figures are placeholders the county must replace.
    public var placeholder: Bool
    /// Threshold in € per m² and year, by heating type.
    public var thresholdPerSquareMetreYear: [HeatingType: Money]
    /// Whether the combined rent-plus-heating cap of § 22 Abs. 10 SGB II is used.
    public var combinedCapEnabled: Bool
}

/// Social-housing (WBS) norms of Schleswig-Holstein: appropriate area and rooms by household size.
public struct WBSNorms: Hashable, Sendable {
    public struct Norm: Hashable, Sendable, Codable {
        public var area: Int
        public var rooms: Int
    }
    public var source: String
    public var bySize: [Int: Norm]
    public var furtherPerson: Norm

    /// The norm for any household size; beyond the table, the largest row plus the extra per person.
    public func norm(forHouseholdSize size: Int) -> Norm {
        if let norm = bySize[size] { return norm }
        let largest = bySize.keys.max() ?? 0
        let base = bySize[largest] ?? Norm(area: 0, rooms: 0)
        let extra = max(0, size - largest)
        return Norm(area: base.area + extra * furtherPerson.area, rooms: base.rooms + extra * furtherPerson.rooms)
    }
}

// MARK: - Reading

/// A table as read from its file, before checks across files (regions against the gazetteer, duplicate dates).
struct RawCostTable {
    var table: CostLimitTable
    var validFromLine: Int?
    var regionsLine: Int?
    /// Where each Amt / AGS was listed, for messages about overlaps.
    var amtLines: [(regionIndex: Int, amt: String, line: Int?)]
    var keyLines: [(regionIndex: Int, key: MunicipalityKey, line: Int?)]
}

enum CostRulesReader {
    static func readCostTable(text: String, file: YAMLFile) -> RawCostTable? {
        guard let root = file.compose(text) else { return nil }
        guard
            let top = file.mapping(
                root, field: "",
                allowed: ["valid_from", "source", "appropriate_area", "area_per_further_person", "larger_households", "under_25_single", "regions"],
                required: ["valid_from", "source", "appropriate_area", "area_per_further_person", "larger_households", "under_25_single", "regions"])
        else { return nil }
        let validFrom = top["valid_from"].flatMap { file.date($0, field: "valid_from") }
        let source = top["source"].flatMap { file.string($0, field: "source") }

        var areas: [Int: Int] = [:]
        if let node = top["appropriate_area"], let rows = file.sizeMapping(node, field: "appropriate_area") {
            for row in rows {
                if let value = file.positiveInt(row.node, field: "appropriate_area.\(row.size)", unit: "area in m²") { areas[row.size] = value }
            }
            checkSizes(Set(rows.map(\.size)), node: node, field: "appropriate_area", example: "<m²>", file: file)
        }
        let perFurther = top["area_per_further_person"].flatMap { file.positiveInt($0, field: "area_per_further_person", unit: "area in m²") }

        var largerNote: String?
        if let node = top["larger_households"],
            let larger = file.mapping(node, field: "larger_households", allowed: ["rule", "assumption"], required: ["rule", "assumption"])
        {
            if let ruleNode = larger["rule"], let rule = file.string(ruleNode, field: "larger_households.rule"), rule != "scale-largest-row-by-area" {
                file.report(ruleNode, field: "larger_households.rule", "unknown rule '\(rule)'", fix: "use scale-largest-row-by-area")
            }
            largerNote = larger["assumption"].flatMap { file.string($0, field: "larger_households.assumption") }
        }

        var under25: Bool?
        if let node = top["under_25_single"],
            let u25 = file.mapping(node, field: "under_25_single", allowed: ["separate_approval"], required: ["separate_approval"])
        {
            under25 = u25["separate_approval"].flatMap { file.bool($0, field: "under_25_single.separate_approval") }
        }

        var regions: [ComparisonRegion] = []
        var amtLines: [(Int, String, Int?)] = []
        var keyLines: [(Int, MunicipalityKey, Int?)] = []
        var seenIDs: [String: Int?] = [:]
        if let node = top["regions"], let items = file.sequence(node, field: "regions") {
            if items.isEmpty { file.report(node, field: "regions", "no regions", fix: "list the Vergleichsräume with their Ämter, municipalities and limits") }
            for (index, item) in items.enumerated() {
                let field = "regions[\(index + 1)]"
                guard
                    let region = file.mapping(
                        item, field: field, allowed: ["id", "name", "aemter", "municipalities", "limits"], required: ["id", "name", "limits"])
                else { continue }
                let id = region["id"].flatMap { file.string($0, field: "\(field).id") } ?? "?"
                if let previous = seenIDs[id] {
                    file.report(region["id"], field: "\(field).id", "region id '\(id)' is used twice (also at line \(previous.map(String.init) ?? "?"))", fix: "give each region its own id")
                }
                seenIDs[id] = region["id"]?.mark?.line
                let name = region["name"].flatMap { file.string($0, field: "\(field).name") } ?? id
                var aemter: [String] = []
                if let list = region["aemter"], let entries = file.sequence(list, field: "\(field).aemter") {
                    for entry in entries {
                        if let amt = file.string(entry, field: "\(field).aemter") {
                            aemter.append(amt)
                            amtLines.append((regions.count, amt, entry.mark?.line))
                        }
                    }
                }
                var keys: [MunicipalityKey] = []
                if let list = region["municipalities"], let entries = file.sequence(list, field: "\(field).municipalities") {
                    for entry in entries {
                        guard let text = file.string(entry, field: "\(field).municipalities") else { continue }
                        guard let key = MunicipalityKey(text) else {
                            file.report(entry, field: "\(field).municipalities", "'\(text)' is not a municipality key", fix: "write the 8-digit AGS in quotes, e.g. \"01057057\"")
                            continue
                        }
                        keys.append(key)
                        keyLines.append((regions.count, key, entry.mark?.line))
                    }
                }
                if region["aemter"] == nil && region["municipalities"] == nil {
                    file.report(item, field: field, "region '\(id)' has no members", fix: "add `aemter:` and/or `municipalities:`")
                }
                var limits: [Int: Money] = [:]
                if let node = region["limits"], let rows = file.sizeMapping(node, field: "\(field).limits") {
                    for row in rows {
                        if let money = file.money(row.node, field: "\(field).limits.\(row.size)") { limits[row.size] = money }
                    }
                    let gapless = checkSizes(Set(rows.map(\.size)), node: node, field: "\(field).limits", example: "<euros>", file: file)
                    if gapless, !areas.isEmpty, Set(rows.map(\.size)) != Set(areas.keys) {
                        let a = areas.keys.sorted().map(String.init).joined(separator: ", ")
                        let l = rows.map(\.size).sorted().map(String.init).joined(separator: ", ")
                        file.report(node, field: "\(field).limits", "lists household sizes \(l) but appropriate_area lists \(a)", fix: "give a limit for exactly the sizes that appropriate_area lists")
                    }
                }
                regions.append(ComparisonRegion(id: id, name: name, aemter: aemter, municipalityKeys: keys, members: [], limits: limits))
            }
        }
        guard let validFrom, let source, let perFurther, let largerNote, let under25 else { return nil }
        return RawCostTable(
            table: CostLimitTable(
                validFrom: validFrom, source: source, file: file.displayName, regions: regions, appropriateArea: areas,
                areaPerFurtherPerson: perFurther, largerHouseholdNote: largerNote, under25SingleNeedsApproval: under25),
            validFromLine: top["valid_from"]?.mark?.line, regionsLine: top["regions"]?.mark?.line,
            amtLines: amtLines.map { (regionIndex: $0.0, amt: $0.1, line: $0.2) },
            keyLines: keyLines.map { (regionIndex: $0.0, key: $0.1, line: $0.2) })
    }

    /// Household sizes must run 1, 2, 3 … without a gap; true when they do.
    @discardableResult
    static func checkSizes(_ sizes: Set<Int>, node: Node, field: String, example: String, file: YAMLFile) -> Bool {
        guard let largest = sizes.max() else {
            file.report(node, field: field, "no household sizes", fix: "list sizes 1 to 5 (or more), e.g. `1: \(example)`")
            return false
        }
        var gapless = true
        for size in 1...largest where !sizes.contains(size) {
            gapless = false
            file.report(node, field: field, "no entry for household size \(size)", fix: "add `\(size): \(example)` (sizes must run 1, 2, 3 … without a gap)")
        }
        return gapless
    }

    static func readHeating(text: String, file: YAMLFile) -> (HeatingRules, Int?)? {
        guard let root = file.compose(text) else { return nil }
        guard
            let top = file.mapping(
                root, field: "", allowed: ["valid_from", "source", "placeholder", "threshold_per_m2_year", "combined_cap"],
                required: ["valid_from", "source", "placeholder", "threshold_per_m2_year", "combined_cap"])
        else { return nil }
        let validFrom = top["valid_from"].flatMap { file.date($0, field: "valid_from") }
        let source = top["source"].flatMap { file.string($0, field: "source") }
        let placeholder = top["placeholder"].flatMap { file.bool($0, field: "placeholder") }
        var thresholds: [HeatingType: Money] = [:]
        let names = HeatingType.allCases.map(\.rawValue)
        if let node = top["threshold_per_m2_year"],
            let map = file.mapping(node, field: "threshold_per_m2_year", allowed: names, required: names)
        {
            for type in HeatingType.allCases {
                if let value = map[type.rawValue], let money = file.money(value, field: "threshold_per_m2_year.\(type.rawValue)") {
                    thresholds[type] = money
                }
            }
        }
        var combined: Bool?
        if let node = top["combined_cap"], let map = file.mapping(node, field: "combined_cap", allowed: ["enabled"], required: ["enabled"]) {
            combined = map["enabled"].flatMap { file.bool($0, field: "combined_cap.enabled") }
        }
        guard let validFrom, let source, let placeholder, let combined, thresholds.count == HeatingType.allCases.count else { return nil }
        return (
            HeatingRules(
                validFrom: validFrom, source: source, file: file.displayName, placeholder: placeholder,
                thresholdPerSquareMetreYear: thresholds, combinedCapEnabled: combined),
            top["valid_from"]?.mark?.line
        )
    }

    static func readWBS(text: String, file: YAMLFile) -> WBSNorms? {
        guard let root = file.compose(text) else { return nil }
        guard let top = file.mapping(root, field: "", allowed: ["source", "sizes", "further_person"], required: ["source", "sizes", "further_person"])
        else { return nil }
        func norm(_ node: Node, field: String) -> WBSNorms.Norm? {
            guard let map = file.mapping(node, field: field, allowed: ["area", "rooms"], required: ["area", "rooms"]) else { return nil }
            let area = map["area"].flatMap { file.positiveInt($0, field: "\(field).area", unit: "area in m²") }
            let rooms = map["rooms"].flatMap { file.positiveInt($0, field: "\(field).rooms", unit: "number of rooms") }
            guard let area, let rooms else { return nil }
            return WBSNorms.Norm(area: area, rooms: rooms)
        }
        let source = top["source"].flatMap { file.string($0, field: "source") }
        var sizes: [Int: WBSNorms.Norm] = [:]
        if let node = top["sizes"], let rows = file.sizeMapping(node, field: "sizes") {
            for row in rows { sizes[row.size] = norm(row.node, field: "sizes.\(row.size)") }
            checkSizes(Set(rows.map(\.size)), node: node, field: "sizes", example: "{area: 75, rooms: 3}", file: file)
        }
        let further = top["further_person"].flatMap { norm($0, field: "further_person") }
        guard let source, let further, !sizes.isEmpty else { return nil }
        return WBSNorms(source: source, bySize: sizes, furtherPerson: further)
    }
}
