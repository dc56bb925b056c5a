import ArgumentParser
import Foundation
import HousingDomain
import HousingStore
import RuleBook

/// Options every data command takes: which database, who is acting, and the output form.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $WOHNLOTSE_DB, else ./wohnlotse.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Who is acting (default: $WOHNLOTSE_USER); recorded in the audit log.", valueName: "user"))
    var actingUser: String?

    @Flag(name: .long, help: "Print JSON instead of a table, for scripts.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("The rules folder (default: $WOHNLOTSE_RULES, else ./Rules).", valueName: "dir"))
    var rules: String?

    public init() {}

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The database path from `--db`, `WOHNLOTSE_DB`, or the default.
    var databasePath: String { db ?? environment["WOHNLOTSE_DB"] ?? "wohnlotse.sqlite" }

    /// Today, or `WOHNLOTSE_TODAY` when set (for demos and tests).
    var today: CalendarDate { CalendarDate.today(environment: environment) }

    /// The county's rules (gazetteer, cost limits, heating, matching weights).
    func ruleBook() throws -> RuleBook { try RulesDirectory.load(option: rules) }

    /// Opens the database, warning on stderr when the file is readable by others than its owner.
    func open(create: Bool = false) throws -> AppDatabase {
        let database = try AppDatabase.open(path: databasePath, create: create)
        if let warning = DatabaseFile.exposureWarning(path: databasePath) {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
        return database
    }

    /// Opens the database and resolves the acting user.
    func session(_ command: String) throws -> (AppDatabase, Actor) {
        let database = try open()
        let actor = try database.actor(named: actingUser ?? environment["WOHNLOTSE_USER"], command: command)
        return (database, actor)
    }

    /// Prints `value` as JSON when `--json` was given, else runs `human`.
    func emit<T: Encodable>(_ value: T, human: () -> Void) throws {
        if json {
            print(try Output.json(value))
        } else {
            human()
        }
    }
}

enum Output {
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A plain-text table with a header row, columns padded to their widest cell.
    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "(none)" }
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
        return ([line(headers), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }

    /// `label: value` lines with aligned values, skipping nil values.
    static func fields(_ pairs: [(String, String?)]) -> String {
        let present = pairs.compactMap { pair in pair.1.map { (pair.0, $0) } }
        let width = present.map(\.0.count).max() ?? 0
        return present.map { "\($0.0):" + String(repeating: " ", count: width - $0.0.count + 1) + $0.1 }.joined(separator: "\n")
    }

    static func yesNo(_ value: Bool?) -> String? { value.map { $0 ? "yes" : "no" } }
    static func dash(_ value: String?) -> String { value.flatMap { $0.isEmpty ? nil : $0 } ?? "-" }

    static func rooms(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func area(_ value: Double) -> String { String(format: "%.1f m²", value) }
}

/// Parsers for option values that say what is wrong and what would be right.
enum Parse {
    static func date(_ text: String) throws -> CalendarDate {
        guard let date = CalendarDate(flexible: text) else {
            throw ValidationError("'\(text)' is not a date: use YYYY-MM-DD, e.g. 2026-03-01, or DD.MM.YYYY (and check the day exists)")
        }
        return date
    }

    static func money(_ text: String) throws -> Money {
        guard let value = Money(parsing: text) else {
            throw ValidationError("'\(text)' is not a euro amount: use e.g. 540 or 540.50")
        }
        guard value.cents >= 0 else { throw ValidationError("'\(text)' is negative: amounts must be 0 or more") }
        return value
    }

    static func municipality(_ text: String) throws -> MunicipalityKey {
        guard let key = MunicipalityKey(text) else {
            throw ValidationError("'\(text)' is not a municipality key (AGS): use 8 digits, e.g. 01057057 for Plön")
        }
        return key
    }

    static func municipalities(_ text: String) throws -> [MunicipalityKey] {
        try text.split(separator: ",").map { try municipality(String($0).trimmingCharacters(in: .whitespaces)) }
    }

    static func postalCode(_ text: String) throws -> PostalCode {
        guard let code = PostalCode(text) else { throw ValidationError("'\(text)' is not a postal code: use 5 digits, e.g. 24306") }
        return code
    }

    static func residence(_ text: String) throws -> ResidenceObligation {
        guard let value = ResidenceObligation(code: text) else {
            throw ValidationError("'\(text)' is not a residence obligation: use none, state:01, district:01057 or municipality:01057057")
        }
        return value
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func ids(_ text: String) throws -> [Int64] {
        try list(text).map { item in
            guard let id = Int64(item), id > 0 else { throw ValidationError("'\(item)' is not an id: give numbers separated by commas, e.g. 3,4,7") }
            return id
        }
    }

    static func number(_ text: String) throws -> Double {
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
            throw ValidationError("'\(text)' is not a number: use e.g. 2.5 or 64")
        }
        return value
    }

    static func modules(_ text: String) throws -> [CourseModule] {
        if text == "all" { return CourseModule.allCases }
        return try list(text).map { item in
            guard let module = CourseModule(rawValue: item) else {
                throw ValidationError("'\(item)' is not a module: use 'all' or any of \(CourseModule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return module
        }
    }

    static func coordinate(lat: Double?, lon: Double?) throws -> Coordinate? {
        switch (lat, lon) {
        case (nil, nil): return nil
        case (let lat?, let lon?):
            guard let c = Coordinate(latitude: lat, longitude: lon) else {
                throw ValidationError("coordinates \(lat), \(lon) are out of range: latitude -90…90, longitude -180…180")
            }
            return c
        default: throw ValidationError("give both --lat and --lon, or neither")
        }
    }
}

extension Stage: ExpressibleByArgument {}
extension BenefitType: ExpressibleByArgument {}
extension Member.Role: ExpressibleByArgument {}
extension Anchor.Kind: ExpressibleByArgument {}
extension Landlord.Kind: ExpressibleByArgument {}
extension Landlord.Openness: ExpressibleByArgument {}
extension LandlordContact.Channel: ExpressibleByArgument {}
extension Listing.Status: ExpressibleByArgument {}
extension HeatingType: ExpressibleByArgument {}
extension Visit.Kind: ExpressibleByArgument {}
extension User.Role: ExpressibleByArgument {}
extension Attendance.Status: ExpressibleByArgument {}
