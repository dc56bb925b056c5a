import ArgumentParser
import Foundation
import HousingDomain
import RuleBook

/// Where the rules live: `--rules DIR`, else `$WOHNLOTSE_RULES`, else `./Rules`.
public enum RulesDirectory {
    public static let environmentKey = "WOHNLOTSE_RULES"

    public static func resolve(
        option: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL {
        let path = option ?? environment[environmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? "Rules"
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// Loads the rule book, turning broken rules into a message that lists every problem.
    public static func load(option: String?) throws -> RuleBook {
        do {
            return try RuleBook.load(directory: resolve(option: option))
        } catch {
            throw CommandFailure(description: error.description)
        }
    }
}

/// A failed command: argument-parser prints the description to stderr and exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}

/// `wohnlotse rules …`: the county's rules (cost limits, heating thresholds, gazetteer).
public struct RulesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Show, validate and apply the county's cost-of-accommodation rules (KdU).",
        subcommands: [Show.self, Validate.self, Check.self]
    )

    public init() {}

    /// `wohnlotse rules show [--on DATE] [--rules DIR] [--json]`
    public struct Show: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Print the cost-limit table and heating thresholds in force on a date.")

        @Option(help: ArgumentHelp("The day to show the table for, YYYY-MM-DD (default: today).", valueName: "date"))
        var on: String?

        @Option(help: ArgumentHelp("The rules directory (default: $WOHNLOTSE_RULES, else ./Rules).", valueName: "dir"))
        var rules: String?

        @Flag(help: "Print JSON instead of text.")
        var json = false

        public init() {}

        public func validate() throws {
            if let on, CalendarDate(iso: on) == nil {
                throw ValidationError("--on '\(on)' is not a date: write YYYY-MM-DD, e.g. 2026-03-01")
            }
        }

        public func run() throws {
            let book = try RulesDirectory.load(option: rules)
            let date = on.flatMap(CalendarDate.init(iso:)) ?? CalendarDate.today()
            guard let table = book.costTable(on: date) else {
                throw CommandFailure(description: RuleBookError.noTableInForce(date: date, earliest: book.costTables.first?.validFrom).description)
            }
            let heating = book.heating(on: date)
            if json {
                print(try encode(TableJSON(date: date, table: table, heating: heating)))
            } else {
                print(CostJudgementReport.render(table: table, heating: heating, on: date, gazetteer: book.gazetteer), terminator: "")
            }
        }
    }

    /// `wohnlotse rules validate [DIR]`
    public struct Validate: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Check every rules file and list each problem with file, line and what to do.")

        @Argument(help: "The rules directory (default: $WOHNLOTSE_RULES, else ./Rules).")
        var directory: String?

        public init() {}

        public func run() throws {
            let url = RulesDirectory.resolve(option: directory)
            let problems = RuleBook.validate(directory: url)
            guard problems.isEmpty else {
                var message = "\(problems.count == 1 ? "1 problem" : "\(problems.count) problems") in \(url.path). "
                message += "Wohnlotse refuses to judge costs until they are fixed:\n"
                message += problems.map { "  - \($0)" }.joined(separator: "\n")
                throw CommandFailure(description: message)
            }
            let book = try RuleBook.load(directory: url)
            print("Rules in \(url.path) are valid.")
            print("  \(book.costTables.count) cost-limit table(s): valid from \(book.costTables.map(\.validFrom.iso).joined(separator: ", "))")
            print("  \(book.heatingRules.count) heating table(s): valid from \(book.heatingRules.map(\.validFrom.iso).joined(separator: ", "))")
            print("  gazetteer: \(book.gazetteer.entries.count) places, \(book.gazetteer.kreisPloenMunicipalities.count) municipalities of Kreis Plön")
            if let retention = try? RetentionPolicy.load(directory: url) {
                print("  retention: closed cases anonymised after \(retention.closedCaseMonths) months, visit notes cleared after \(retention.visitNoteMonths) months, import diagnostics pruned after \(retention.importDiagnosticsDays) days")
            }
            if book.heatingRules.contains(where: \.placeholder) {
                print("  note: heating thresholds are placeholders; replace them with the county's figures")
            }
        }
    }

    /// `wohnlotse rules check --size 3 --municipality 01057057 --rent 540 --operating 120 --area 70`
    public struct Check: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Judge a flat's costs for a household against the KdU limits (a quick question at the counter).",
            discussion: """
                Give the flat by --municipality AGS, or by --postal-code and --place.
                The verdict comes first, then the numbers that led to it.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var costs: CostOptions

        public init() {}

        public func run() throws {
            let book = try RulesDirectory.load(option: global.rules)
            let date = costs.date ?? global.today
            if let householdKey = costs.household, let listingID = costs.listing {
                let (db, actor) = try global.session("rules check")
                let detail = try db.householdDetail(householdKey, by: actor)
                let listing = try db.listing(Listing.ID(listingID), by: actor)
                try report(try Self.judge(book: book, listing: listing, members: detail.members, on: date))
                return
            }
            let key: MunicipalityKey
            if let municipality = costs.municipalityKey {
                key = municipality
            } else if let postalCode = costs.postalCodeValue, let place = costs.place {
                do {
                    key = try book.gazetteer.resolve(postalCode: postalCode, place: place).municipality
                } catch {
                    throw CommandFailure(description: error.description)
                }
            } else {
                throw ValidationError("give --municipality AGS, or --postal-code and --place")
            }
            let costCase = try costs.costCase(municipality: key)
            let judgement: CostJudgement
            do {
                judgement = try book.judge(costCase, on: date)
            } catch {
                throw CommandFailure(description: error.description)
            }
            try report(judgement)
        }

        /// Judges a stored listing for a stored household's members.
        static func judge(book: RuleBook, listing: Listing, members: [Member], on date: CalendarDate) throws -> CostJudgement {
            let costCase: CostCase
            do {
                costCase = try CostCase(listing: listing, members: members, on: date)
            } catch {
                throw CommandFailure(description: error.description)
            }
            do {
                return try book.judge(costCase, on: date)
            } catch {
                throw CommandFailure(description: error.description)
            }
        }

        private func report(_ judgement: CostJudgement) throws {
            if global.json {
                print(try encode(judgement))
            } else {
                print(CostJudgementReport.render(judgement), terminator: "")
            }
        }
    }
}

/// The cost flags of `rules check`, reusable by commands that judge a stored household and listing.
public struct CostOptions: ParsableArguments {
    @Option(help: "A stored household (reference code or id), with --listing: judge that flat for that household.")
    var household: String?

    @Option(help: "A stored listing id, with --household.")
    var listing: Int64?

    @Option(help: "Persons in the household.")
    var size: Int?

    @Option(help: "Municipality key (AGS) of the flat, e.g. 01057057 for Plön.")
    var municipality: String?

    @Option(name: .customLong("postal-code"), help: "Postal code of the flat (with --place).")
    var postalCode: String?

    @Option(help: "Place of the flat (with --postal-code), e.g. Plön.")
    var place: String?

    @Option(help: "Nettokaltmiete in euros per month.")
    var rent: String?

    @Option(help: "Kalte Betriebskosten in euros per month.")
    var operating: String?

    @Option(help: "Living area in m².")
    var area: Double?

    @Option(help: "Heizkosten in euros per month.")
    var heating: String?

    @Option(name: .customLong("heating-type"), help: "gas, oil, district-heating, heat-pump or electric.")
    var heatingType: String?

    @Flag(name: .customLong("heating-included"), help: "Heating is part of the operating costs.")
    var heatingIncluded = false

    @Option(help: "Ages of the members, comma-separated, e.g. 34,31,5.")
    var ages: String?

    @Option(help: "Kaution in euros.")
    var deposit: String?

    @Option(help: ArgumentHelp("The day to judge on, YYYY-MM-DD (default: today).", valueName: "date"))
    var on: String?

    public init() {}

    /// Whether the flat and household come from the database.
    var fromStore: Bool { household != nil || listing != nil }

    var municipalityKey: MunicipalityKey? { municipality.flatMap(MunicipalityKey.init) }
    var postalCodeValue: PostalCode? { postalCode.flatMap(PostalCode.init) }
    var date: CalendarDate? { on.flatMap(CalendarDate.init(iso:)) }

    public func validate() throws {
        if let on, CalendarDate(iso: on) == nil {
            throw ValidationError("--on '\(on)' is not a date: write YYYY-MM-DD, e.g. 2026-03-01")
        }
        if fromStore {
            guard household != nil, listing != nil else { throw ValidationError("give both --household and --listing") }
            let quick = [size.map(String.init), municipality, postalCode, place, rent, operating, area.map { String($0) }, heating, ages, deposit]
            guard quick.allSatisfy({ $0 == nil }) else {
                throw ValidationError("with --household and --listing the sizes and costs come from the database: leave out --size, --rent, --operating, --area and the like")
            }
            return
        }
        guard let size, let rent, let operating, let area else {
            throw ValidationError("give --size, --rent, --operating and --area (and --municipality or --postal-code with --place), or --household and --listing")
        }
        guard (1...20).contains(size) else { throw ValidationError("--size \(size): give 1 to 20 persons") }
        if let municipality {
            guard MunicipalityKey(municipality) != nil else {
                throw ValidationError("--municipality '\(municipality)' is not an 8-digit AGS, e.g. 01057057 for Plön")
            }
            if postalCode != nil || place != nil {
                throw ValidationError("give either --municipality or --postal-code with --place, not both")
            }
        } else {
            guard let postalCode, let place else {
                throw ValidationError("give --municipality AGS, or --postal-code and --place")
            }
            guard PostalCode(postalCode) != nil else { throw ValidationError("--postal-code '\(postalCode)' is not a 5-digit postal code") }
            guard !place.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--place is empty: give the place name") }
        }
        _ = try amount(rent, flag: "--rent", allowZero: false)
        _ = try amount(operating, flag: "--operating", allowZero: true)
        if let heating { _ = try amount(heating, flag: "--heating", allowZero: true) }
        if let deposit { _ = try amount(deposit, flag: "--deposit", allowZero: true) }
        guard area.isFinite, area > 0, area <= 1000 else { throw ValidationError("--area \(area): give the living area in m², more than 0") }
        if let heatingType, HeatingType(rawValue: heatingType) == nil {
            throw ValidationError("--heating-type '\(heatingType)': use one of \(HeatingType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if heatingIncluded, heating != nil {
            throw ValidationError("--heating-included means heating is in the operating costs; do not also give --heating")
        }
        let parsedAges = try memberAges()
        if !parsedAges.isEmpty, parsedAges.count != size {
            throw ValidationError("--ages lists \(parsedAges.count) ages but --size is \(size): give one age per person")
        }
        if let on, CalendarDate(iso: on) == nil {
            throw ValidationError("--on '\(on)' is not a date: write YYYY-MM-DD, e.g. 2026-03-01")
        }
    }

    func memberAges() throws -> [Int] {
        guard let ages else { return [] }
        return try ages.split(separator: ",").map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let age = Int(text), (0...120).contains(age) else {
                throw ValidationError("--ages '\(ages)': '\(text)' is not an age from 0 to 120")
            }
            return age
        }
    }

    private func amount(_ text: String, flag: String, allowZero: Bool) throws -> Money {
        guard let money = Money(parsing: text) else {
            throw ValidationError("\(flag) '\(text)' is not a euro amount: write e.g. 540 or 540.50")
        }
        guard money.cents >= 0 else { throw ValidationError("\(flag) '\(text)' is negative: give the amount in euros") }
        if !allowZero, money.cents == 0 { throw ValidationError("\(flag) must be more than 0") }
        return money
    }

    /// The case to judge, for the flat in `municipality`. Call after `validate()`.
    public func costCase(municipality: MunicipalityKey) throws -> CostCase {
        guard let size, let rent, let operating, let area else {
            throw ValidationError("give --size, --rent, --operating and --area")
        }
        return CostCase(
            householdSize: size, memberAges: try memberAges(), municipality: municipality,
            netColdRent: try amount(rent, flag: "--rent", allowZero: false),
            operatingCosts: try amount(operating, flag: "--operating", allowZero: true),
            heatingCosts: try heating.map { try amount($0, flag: "--heating", allowZero: true) },
            heatingIncluded: heatingIncluded, heatingType: heatingType.flatMap(HeatingType.init(rawValue:)),
            livingArea: area, deposit: try deposit.map { try amount($0, flag: "--deposit", allowZero: true) })
    }
}

// MARK: - Helpers

private func encode<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// JSON shape of `rules show --json`.
private struct TableJSON: Encodable {
    struct Region: Encodable {
        var id: String
        var name: String
        var members: [MunicipalityKey]
        var limits: [String: Money]
    }
    struct Heating: Encodable {
        var validFrom: CalendarDate
        var placeholder: Bool
        var thresholdPerSquareMetreYear: [String: Money]
        var combinedCapEnabled: Bool
        var file: String
    }
    var date: CalendarDate
    var validFrom: CalendarDate
    var source: String
    var file: String
    var appropriateArea: [String: Int]
    var areaPerFurtherPerson: Int
    var largerHouseholds: String
    var under25SingleNeedsApproval: Bool
    var regions: [Region]
    var heating: Heating?

    init(date: CalendarDate, table: CostLimitTable, heating: HeatingRules?) {
        self.date = date
        validFrom = table.validFrom
        source = table.source
        file = table.file
        appropriateArea = Dictionary(uniqueKeysWithValues: table.appropriateArea.map { (String($0.key), $0.value) })
        areaPerFurtherPerson = table.areaPerFurtherPerson
        largerHouseholds = table.largerHouseholdNote
        under25SingleNeedsApproval = table.under25SingleNeedsApproval
        regions = table.regions.map {
            Region(
                id: $0.id, name: $0.name, members: $0.members.sorted(),
                limits: Dictionary(uniqueKeysWithValues: $0.limits.map { (String($0.key), $0.value) }))
        }
        self.heating = heating.map {
            Heating(
                validFrom: $0.validFrom, placeholder: $0.placeholder,
                thresholdPerSquareMetreYear: Dictionary(uniqueKeysWithValues: $0.thresholdPerSquareMetreYear.map { ($0.key.rawValue, $0.value) }),
                combinedCapEnabled: $0.combinedCapEnabled, file: $0.file)
        }
    }
}
