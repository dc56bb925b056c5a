import Foundation
import HousingDomain

/// The county's rules, read from a `Rules/` directory and checked as a whole.
///
/// Layout of the directory:
/// - `gazetteer-ploen.csv`: postal code + place → municipality (AGS), Amt, coordinates.
/// - `cost-limits/*.yaml`: one KdU table per file, each with its `valid_from` date.
/// - `heating/*.yaml`: heating-cost thresholds per heating type, each with its `valid_from` date.
/// - `wbs-norms.yaml`: social-housing (WBS) area and room norms.
///
/// Other files are left to other parts of Wohnlotse. A rule book is only created when every file is valid:
/// Wohnlotse refuses to judge with broken rules rather than guess.
public struct RuleBook: Sendable {
    public let gazetteer: Gazetteer
    /// Cost-limit tables, oldest first.
    public let costTables: [CostLimitTable]
    /// Heating thresholds, oldest first.
    public let heatingRules: [HeatingRules]
    public let wbsNorms: WBSNorms
    /// Matching weights and travel model (`matching.yaml`, or built-in defaults when absent).
    public let matching: MatchingRules

    public static let gazetteerFile = "gazetteer-ploen.csv"
    public static let costLimitsFolder = "cost-limits"
    public static let heatingFolder = "heating"
    public static let wbsFile = "wbs-norms.yaml"
    public static let matchingFile = "matching.yaml"

    /// Reads and checks every rules file in `directory`.
    ///
    /// - Throws: `RuleBookError.invalidRules` listing every problem across all files, each with file, line and fix.
    public static func load(directory: URL) throws(RuleBookError) -> RuleBook {
        let (book, problems) = read(directory: directory)
        guard problems.isEmpty, let book else {
            throw .invalidRules(directory: displayRoot(directory), problems: problems)
        }
        return book
    }

    /// Every problem in the rules of `directory`; empty when the rules are valid.
    /// Also checks `retention.yaml`, which only `privacy sweep` reads: an operator who validates the
    /// folder after an edit should hear about every file in it.
    public static func validate(directory: URL) -> [RuleProblem] {
        var problems = read(directory: directory).problems
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return problems
        }
        do {
            _ = try RetentionPolicy.load(directory: directory)
        } catch {
            if case .invalidRules(_, let retentionProblems) = error { problems += retentionProblems }
        }
        return problems
    }

    /// The table in force on `date`: the one with the latest `valid_from` on or before it.
    public func costTable(on date: CalendarDate) -> CostLimitTable? {
        costTables.last { $0.validFrom <= date }
    }

    /// The heating thresholds in force on `date`.
    public func heating(on date: CalendarDate) -> HeatingRules? {
        heatingRules.last { $0.validFrom <= date }
    }

    /// Appropriate living area (m²) for a household size under the table in force on `date`.
    public func appropriateArea(householdSize: Int, on date: CalendarDate) throws(RuleBookError) -> Int {
        guard householdSize >= 1 else {
            throw .invalidCase(field: "household size", value: String(householdSize), hint: "give at least 1 person")
        }
        guard let table = costTable(on: date) else {
            throw .noTableInForce(date: date, earliest: costTables.first?.validFrom)
        }
        return table.area(forHouseholdSize: householdSize)
    }

    /// The WBS (social housing, Schleswig-Holstein) norm: area and rooms for a household size.
    public func wbsNorm(householdSize: Int) -> WBSNorms.Norm {
        wbsNorms.norm(forHouseholdSize: max(1, householdSize))
    }

    // MARK: Reading

    static func displayRoot(_ directory: URL) -> String {
        let path = directory.standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }

    static func read(directory: URL) -> (book: RuleBook?, problems: [RuleProblem]) {
        let root = displayRoot(directory)
        var problems: [RuleProblem] = []
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            let problem = RuleProblem(
                file: root, line: nil, field: nil, message: "is not a directory of rules",
                fix: "pass --rules DIR, set WOHNLOTSE_RULES, or run from the folder that holds Rules/")
            return (nil, [problem])
        }

        func text(_ relative: String) -> String? {
            let url = directory.appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                problems.append(RuleProblem(file: "\(root)/\(relative)", line: nil, field: nil, message: "is missing", fix: "restore the file from the repository"))
                return nil
            }
            guard let string = String(data: data, encoding: .utf8) else {
                problems.append(RuleProblem(file: "\(root)/\(relative)", line: nil, field: nil, message: "is not UTF-8 text", fix: "save it as UTF-8"))
                return nil
            }
            return string
        }

        func yamlFiles(in folder: String) -> [String] {
            let url = directory.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            if files.isEmpty {
                problems.append(
                    RuleProblem(
                        file: "\(root)/\(folder)/", line: nil, field: nil, message: "has no .yaml files",
                        fix: "add at least one table with a valid_from date (see Rules/README.md)"))
            }
            return files.map { "\(folder)/\($0)" }
        }

        // Gazetteer.
        var gazetteer = Gazetteer(entries: [])
        if let csv = text(gazetteerFile) {
            gazetteer = GazetteerReader.read(text: csv, displayName: "\(root)/\(gazetteerFile)", problems: &problems)
        }

        // Cost limits.
        var raws: [RawCostTable] = []
        for relative in yamlFiles(in: costLimitsFolder) {
            guard let content = text(relative) else { continue }
            let file = YAMLFile(displayName: "\(root)/\(relative)")
            let raw = CostRulesReader.readCostTable(text: content, file: file)
            problems += file.problems
            if let raw, file.problems.isEmpty { raws.append(raw) }
        }
        var tables: [CostLimitTable] = []
        for raw in raws {
            let (table, tableProblems) = resolveMembers(raw, gazetteer: gazetteer)
            problems += tableProblems
            tables.append(table)
        }
        problems += duplicateDates(raws.map { ($0.table.validFrom, $0.table.file, $0.validFromLine) }, what: "cost-limit tables")

        // Heating.
        var heating: [(HeatingRules, Int?)] = []
        for relative in yamlFiles(in: heatingFolder) {
            guard let content = text(relative) else { continue }
            let file = YAMLFile(displayName: "\(root)/\(relative)")
            let rules = CostRulesReader.readHeating(text: content, file: file)
            problems += file.problems
            if let rules, file.problems.isEmpty { heating.append(rules) }
        }
        problems += duplicateDates(heating.map { ($0.0.validFrom, $0.0.file, $0.1) }, what: "heating tables")

        // WBS norms.
        var wbs: WBSNorms?
        if let content = text(wbsFile) {
            let file = YAMLFile(displayName: "\(root)/\(wbsFile)")
            wbs = CostRulesReader.readWBS(text: content, file: file)
            problems += file.problems
        }

        // Matching weights (optional file).
        var matching = MatchingRules.standard
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(matchingFile).path), let content = text(matchingFile) {
            let file = YAMLFile(displayName: "\(root)/\(matchingFile)")
            if let rules = MatchingRulesReader.read(text: content, file: file) { matching = rules }
            problems += file.problems
        }

        guard problems.isEmpty, let wbs else { return (nil, problems) }
        let book = RuleBook(
            gazetteer: gazetteer, costTables: tables.sorted { $0.validFrom < $1.validFrom },
            heatingRules: heating.map(\.0).sorted { $0.validFrom < $1.validFrom }, wbsNorms: wbs, matching: matching)
        return (book, [])
    }

    /// Two tables of one kind may not start on the same day.
    private static func duplicateDates(_ items: [(CalendarDate, String, Int?)], what: String) -> [RuleProblem] {
        var problems: [RuleProblem] = []
        var first: [CalendarDate: (String, Int?)] = [:]
        for (date, file, line) in items.sorted(by: { ($0.1) < ($1.1) }) {
            if let (other, otherLine) = first[date] {
                let at = otherLine.map { ":\($0)" } ?? ""
                problems.append(
                    RuleProblem(
                        file: file, line: line, field: "valid_from",
                        message: "this file and \(other)\(at) are both \(what) valid from \(date.iso) for the same regions; Wohnlotse cannot tell which applies",
                        fix: "give the newer table a later valid_from date, or delete the outdated file"))
            } else {
                first[date] = (file, line)
            }
        }
        return problems
    }

    /// Resolves each region's Ämter and AGS into members and checks that every municipality of the county
    /// is in exactly one region.
    private static func resolveMembers(_ raw: RawCostTable, gazetteer: Gazetteer) -> (CostLimitTable, [RuleProblem]) {
        var table = raw.table
        var problems: [RuleProblem] = []
        func report(_ line: Int?, _ field: String, _ message: String, _ fix: String) {
            problems.append(RuleProblem(file: table.file, line: line, field: field, message: message, fix: fix))
        }
        guard !gazetteer.entries.isEmpty else { return (table, []) }
        let county = gazetteer.entries.filter(\.isInKreisPloen)
        let knownAemter = gazetteer.kreisPloenAemter
        var owner: [MunicipalityKey: (region: Int, line: Int?)] = [:]
        func add(_ key: MunicipalityKey, region: Int, line: Int?, via: String) {
            if let previous = owner[key], previous.region != region {
                let name = gazetteer.entry(for: key)?.municipalityName ?? key.rawValue
                report(
                    line, "regions[\(region + 1)]",
                    "\(name) (\(key)) is in region '\(table.regions[previous.region].id)' (line \(previous.line.map(String.init) ?? "?")) and again in region '\(table.regions[region].id)' via \(via)",
                    "list each municipality in one region only")
                return
            }
            if owner[key] == nil { owner[key] = (region, line) }
            table.regions[region].members.insert(key)
        }
        for item in raw.amtLines {
            let wanted = PlaceName.amtKey(item.amt)
            guard let amt = knownAemter.first(where: { PlaceName.amtKey($0) == wanted }) else {
                report(
                    item.line, "regions[\(item.regionIndex + 1)].aemter",
                    "'\(item.amt)' is not an Amt of Kreis Plön in the gazetteer",
                    "use one of: \(knownAemter.joined(separator: "; "))")
                continue
            }
            for key in Set(county.filter { $0.amt == amt }.map(\.municipality)).sorted() {
                add(key, region: item.regionIndex, line: item.line, via: "Amt \(item.amt)")
            }
        }
        for item in raw.keyLines {
            guard county.contains(where: { $0.municipality == item.key }) else {
                let name = gazetteer.entry(for: item.key).map { " (\($0.municipalityName), \($0.districtName))" } ?? ""
                report(
                    item.line, "regions[\(item.regionIndex + 1)].municipalities",
                    "\(item.key)\(name) is not a municipality of Kreis Plön",
                    "list only AGS starting with 01057 that are in Rules/gazetteer-ploen.csv")
                continue
            }
            add(item.key, region: item.regionIndex, line: item.line, via: "its AGS")
        }
        let unassigned = gazetteer.kreisPloenMunicipalities.filter { owner[$0] == nil }
        var reportedAemter = Set<String>()
        for key in unassigned {
            let entry = gazetteer.entry(for: key)
            if let amt = entry?.amt {
                let members = Set(county.filter { $0.amt == amt }.map(\.municipality))
                if members.isSubset(of: unassigned) {
                    if reportedAemter.insert(amt).inserted {
                        report(
                            raw.regionsLine, "regions",
                            "the \(members.count) municipalities of \(amtLabel(amt)) are in no region",
                            "add `\(amt)` under `aemter:` of the right region")
                    }
                    continue
                }
            }
            let where_ = entry?.amt.map(amtLabel) ?? "amtsfrei"
            report(
                raw.regionsLine, "regions",
                "\(entry?.municipalityName ?? key.rawValue) (\(key), \(where_)) is in no region",
                "add its AGS \"\(key)\" under `municipalities:` (or its Amt under `aemter:`) of the right region")
        }
        return (table, problems)
    }
}

/// `Amt Lütjenburg` stays as it is; `Probstei` becomes `Amt Probstei`.
func amtLabel(_ amt: String) -> String { amt.hasPrefix("Amt ") ? amt : "Amt \(amt)" }

extension PlaceName {
    /// Amt names compared loosely: `Selent/ Schlesen` = `Selent/Schlesen`, `Amt Lütjenburg` = `Lütjenburg`.
    static func amtKey(_ name: String) -> String {
        var key = normalized(name)
        if key.hasPrefix("amt ") { key.removeFirst(4) }
        return key.replacingOccurrences(of: " ", with: "")
    }
}
