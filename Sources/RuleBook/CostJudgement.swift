import Foundation
import HousingDomain

/// A flat's costs for a household: the question put to the rules.
public struct CostCase: Hashable, Sendable, Codable {
    /// Persons in the household (Bedarfsgemeinschaft).
    public var householdSize: Int
    /// Ages of the members in completed years, when known (used for the under-25 single rule).
    public var memberAges: [Int]
    /// Municipality (AGS) of the flat.
    public var municipality: MunicipalityKey
    /// Nettokaltmiete per month.
    public var netColdRent: Money
    /// Kalte Betriebskosten per month.
    public var operatingCosts: Money
    /// Heizkosten per month, when known.
    public var heatingCosts: Money?
    /// Heating is part of the operating costs and not billed on its own.
    public var heatingIncluded: Bool
    public var heatingType: HeatingType?
    /// Living area in m².
    public var livingArea: Double
    /// Kaution, when the listing names one.
    public var deposit: Money?

    public init(
        householdSize: Int, memberAges: [Int] = [], municipality: MunicipalityKey, netColdRent: Money,
        operatingCosts: Money, heatingCosts: Money? = nil, heatingIncluded: Bool = false, heatingType: HeatingType? = nil,
        livingArea: Double, deposit: Money? = nil
    ) {
        self.householdSize = householdSize
        self.memberAges = memberAges
        self.municipality = municipality
        self.netColdRent = netColdRent
        self.operatingCosts = operatingCosts
        self.heatingCosts = heatingCosts
        self.heatingIncluded = heatingIncluded
        self.heatingType = heatingType
        self.livingArea = livingArea
        self.deposit = deposit
    }

    /// Bruttokaltmiete: Nettokaltmiete + kalte Betriebskosten.
    public var grossColdRent: Money { netColdRent + operatingCosts }

    func validate() throws(RuleBookError) {
        guard (1...20).contains(householdSize) else {
            throw .invalidCase(field: "household size", value: String(householdSize), hint: "give 1 to 20 persons")
        }
        guard memberAges.isEmpty || memberAges.count == householdSize else {
            throw .invalidCase(
                field: "ages", value: memberAges.map(String.init).joined(separator: ","),
                hint: "give one age per person (\(householdSize)), or none")
        }
        if let age = memberAges.first(where: { !(0...120).contains($0) }) {
            throw .invalidCase(field: "age", value: String(age), hint: "give ages from 0 to 120")
        }
        let amounts: [(String, Money?)] = [
            ("net cold rent", netColdRent), ("operating costs", operatingCosts), ("heating costs", heatingCosts), ("deposit", deposit),
        ]
        for (name, amount) in amounts {
            if let amount, amount.cents < 0 {
                throw .invalidCase(field: name, value: amount.decimalString, hint: "an amount cannot be negative")
            }
        }
        guard livingArea.isFinite, livingArea > 0, livingArea <= 1000 else {
            throw .invalidCase(field: "living area", value: String(livingArea), hint: "give the living area in m², more than 0")
        }
    }
}

/// The answer: is the flat appropriate for the household, and the numbers that led to it.
public struct CostJudgement: Hashable, Sendable, Codable {
    public enum Verdict: String, Hashable, Sendable, Codable {
        /// Within the limit (exactly at the limit counts as within).
        case appropriate
        /// Above the limit.
        case notAppropriate = "not-appropriate"
        /// The flat is outside Kreis Plön: no Kreis Plön limit applies.
        case noCountyLimit = "no-county-limit"
    }

    public struct Region: Hashable, Sendable, Codable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public struct TableVersion: Hashable, Sendable, Codable {
        public var validFrom: CalendarDate
        public var source: String
        public var file: String

        public init(validFrom: CalendarDate, source: String, file: String) {
            self.validFrom = validFrom
            self.source = source
            self.file = file
        }
    }

    public struct Row: Hashable, Sendable, Codable {
        /// The household's size.
        public var householdSize: Int
        /// The table row the limit came from (the largest row when the larger-household rule applied).
        public var tableRow: Int
        /// True when the household is larger than the table and the limit was scaled by area.
        public var largerHouseholdRule: Bool
        /// Appropriate living area in m² for the household size.
        public var appropriateArea: Int

        public init(householdSize: Int, tableRow: Int, largerHouseholdRule: Bool, appropriateArea: Int) {
            self.householdSize = householdSize
            self.tableRow = tableRow
            self.largerHouseholdRule = largerHouseholdRule
            self.appropriateArea = appropriateArea
        }
    }

    public var verdict: Verdict
    public var date: CalendarDate
    public var municipality: MunicipalityKey
    public var municipalityName: String?
    public var region: Region?
    public var table: TableVersion?
    public var row: Row?
    /// Limit on the Bruttokaltmiete.
    public var limit: Money?
    public var netColdRent: Money
    public var operatingCosts: Money
    /// Bruttokaltmiete = Nettokaltmiete + kalte Betriebskosten.
    public var grossColdRent: Money
    /// Limit minus Bruttokaltmiete: positive is headroom, negative the excess.
    public var headroom: Money?
    public var livingArea: Double
    public var heating: HeatingJudgement
    /// Set when the combined cap of § 22 Abs. 10 SGB II is switched on in the rules.
    public var combinedCap: CombinedCapJudgement?
    public var notes: [String]

    public init(
        verdict: Verdict, date: CalendarDate, municipality: MunicipalityKey, municipalityName: String?, region: Region?, table: TableVersion?,
        row: Row?, limit: Money?, netColdRent: Money, operatingCosts: Money, grossColdRent: Money, headroom: Money?, livingArea: Double,
        heating: HeatingJudgement, combinedCap: CombinedCapJudgement?, notes: [String]
    ) {
        self.verdict = verdict
        self.date = date
        self.municipality = municipality
        self.municipalityName = municipalityName
        self.region = region
        self.table = table
        self.row = row
        self.limit = limit
        self.netColdRent = netColdRent
        self.operatingCosts = operatingCosts
        self.grossColdRent = grossColdRent
        self.headroom = headroom
        self.livingArea = livingArea
        self.heating = heating
        self.combinedCap = combinedCap
        self.notes = notes
    }
}

/// Heating costs judged on their own against threshold × appropriate area.
public struct HeatingJudgement: Hashable, Sendable, Codable {
    public enum Verdict: String, Hashable, Sendable, Codable {
        case withinThreshold = "within-threshold"
        case aboveThreshold = "above-threshold"
        /// Heating is part of the operating costs and cannot be judged on its own.
        case includedInOperatingCosts = "included-in-operating-costs"
        /// Cost or heating type unknown, or no thresholds in force.
        case notJudged = "not-judged"
    }
    public var verdict: Verdict
    public var heatingType: HeatingType?
    public var cost: Money?
    /// € per m² and year for the heating type.
    public var thresholdPerSquareMetreYear: Money?
    public var appropriateArea: Int?
    /// Threshold per month: per-m²-year figure × appropriate area ÷ 12, rounded to the cent.
    public var monthlyThreshold: Money?
    /// Monthly threshold minus cost; negative is the excess.
    public var headroom: Money?
    /// True while the thresholds are placeholders the county must replace.
    public var placeholderFigures: Bool
    /// Why it was not judged, when it was not.
    public var reason: String?

    public init(
        verdict: Verdict, heatingType: HeatingType? = nil, cost: Money? = nil, thresholdPerSquareMetreYear: Money? = nil, appropriateArea: Int? = nil,
        monthlyThreshold: Money? = nil, headroom: Money? = nil, placeholderFigures: Bool, reason: String? = nil
    ) {
        self.verdict = verdict
        self.heatingType = heatingType
        self.cost = cost
        self.thresholdPerSquareMetreYear = thresholdPerSquareMetreYear
        self.appropriateArea = appropriateArea
        self.monthlyThreshold = monthlyThreshold
        self.headroom = headroom
        self.placeholderFigures = placeholderFigures
        self.reason = reason
    }
}

/// Rent plus heating against the combined cap (limit + monthly heating threshold), § 22 Abs. 10 SGB II.
public struct CombinedCapJudgement: Hashable, Sendable, Codable {
    public var cap: Money
    /// Bruttokaltmiete plus heating costs (or the Bruttokaltmiete alone when heating is included in it).
    public var cost: Money
    public var headroom: Money
    public var withinCap: Bool { headroom.cents >= 0 }

    public init(cap: Money, cost: Money, headroom: Money) {
        self.cap = cap
        self.cost = cost
        self.headroom = headroom
    }
}

extension RuleBook {
    /// Judges a flat's costs for a household on a date against the rules in force then.
    ///
    /// - Throws: `RuleBookError.invalidCase` for impossible input, `.noTableInForce` before the oldest table.
    public func judge(_ costCase: CostCase, on date: CalendarDate) throws(RuleBookError) -> CostJudgement {
        try costCase.validate()
        guard let table = costTable(on: date) else {
            throw .noTableInForce(date: date, earliest: costTables.first?.validFrom)
        }
        let entry = gazetteer.entry(for: costCase.municipality)
        if entry == nil, costCase.municipality.districtCode == Gazetteer.kreisPloenCode {
            throw .invalidCase(
                field: "municipality", value: costCase.municipality.rawValue,
                hint: "no municipality of Kreis Plön has this AGS; check it, or look the place up by postal code and place")
        }
        var notes: [String] = []
        let gross = costCase.grossColdRent
        let tableRef = CostJudgement.TableVersion(validFrom: table.validFrom, source: table.source, file: table.file)

        guard let region = table.region(containing: costCase.municipality),
            let limitResult = table.limit(in: region, householdSize: costCase.householdSize)
        else {
            let name = entry.map { "\($0.municipalityName) (\($0.districtName))" } ?? "municipality \(costCase.municipality)"
            notes.append("\(name) is not in Kreis Plön: no Kreis Plön limit applies; the job centre responsible for that place decides.")
            return CostJudgement(
                verdict: .noCountyLimit, date: date, municipality: costCase.municipality, municipalityName: entry?.municipalityName,
                region: nil, table: nil, row: nil, limit: nil, netColdRent: costCase.netColdRent,
                operatingCosts: costCase.operatingCosts, grossColdRent: gross, headroom: nil, livingArea: costCase.livingArea,
                heating: HeatingJudgement(
                    verdict: .notJudged, placeholderFigures: false, reason: "no Kreis Plön threshold applies outside the county"),
                combinedCap: nil, notes: notes)
        }

        let (limit, largerRule) = limitResult
        let area = table.area(forHouseholdSize: costCase.householdSize)
        let row = CostJudgement.Row(
            householdSize: costCase.householdSize, tableRow: largerRule ? table.largestSize : costCase.householdSize,
            largerHouseholdRule: largerRule, appropriateArea: area)
        let headroom = limit - gross
        var verdict: CostJudgement.Verdict = headroom.cents >= 0 ? .appropriate : .notAppropriate

        if largerRule {
            notes.append(
                "\(costCase.householdSize) persons is more than the table's \(table.largestSize): limit scaled from the "
                    + "\(table.largestSize)-person row by appropriate area (\(area) m²). Local assumption: \(table.largerHouseholdNote)")
        }
        if costCase.livingArea > Double(area) {
            notes.append(
                "The flat (\(formatArea(costCase.livingArea)) m²) is larger than the appropriate \(area) m²; under the product theory "
                    + "that is fine as long as the Bruttokaltmiete is within the limit.")
        }
        if table.under25SingleNeedsApproval, costCase.householdSize == 1 {
            if let age = costCase.memberAges.first, age < 25 {
                notes.append("Under-25 single (\(age)): separate approval needed before moving out (§ 22 Abs. 5 SGB II).")
            } else if costCase.memberAges.isEmpty {
                notes.append("Age not given: if the person is under 25, a separate approval is needed (§ 22 Abs. 5 SGB II).")
            }
        }

        let heatingResult = judgeHeating(costCase, area: area, on: date)
        if heatingResult.placeholderFigures, heatingResult.monthlyThreshold != nil {
            notes.append("The heating thresholds are placeholders, not the county's figures: treat the heating verdict as a hint only.")
        }
        if costCase.heatingIncluded {
            notes.append("Heating is included in the operating costs: the Bruttokaltmiete above contains heating; ask the landlord for the split.")
        }

        var combined: CombinedCapJudgement?
        if let rules = heating(on: date), rules.combinedCapEnabled, let monthly = heatingResult.monthlyThreshold {
            let heatingCost: Money? = costCase.heatingIncluded ? .zero : costCase.heatingCosts
            if let heatingCost {
                let cap = limit + monthly
                let cost = gross + heatingCost
                let judgement = CombinedCapJudgement(cap: cap, cost: cost, headroom: cap - cost)
                combined = judgement
                verdict = judgement.withinCap ? .appropriate : .notAppropriate
                notes.append("Combined cap (§ 22 Abs. 10 SGB II) is switched on: the verdict follows rent plus heating against \(cap).")
            }
        }

        if let deposit = costCase.deposit, deposit.cents > 0 {
            var text = "Deposit \(deposit) needs its own approval before signing (§ 22 Abs. 6 SGB II), normally as a loan."
            if deposit > costCase.netColdRent * 3 {
                text += " It is more than three net cold rents (\(costCase.netColdRent * 3)), the most § 551 BGB allows."
            }
            notes.append(text)
        }
        notes.append("Ask the job centre for a Zusicherung (§ 22 Abs. 4 SGB II) before the lease is signed.")

        return CostJudgement(
            verdict: verdict, date: date, municipality: costCase.municipality, municipalityName: entry?.municipalityName,
            region: CostJudgement.Region(id: region.id, name: region.name), table: tableRef, row: row, limit: limit,
            netColdRent: costCase.netColdRent, operatingCosts: costCase.operatingCosts, grossColdRent: gross,
            headroom: headroom, livingArea: costCase.livingArea, heating: heatingResult, combinedCap: combined, notes: notes)
    }

    private func judgeHeating(_ costCase: CostCase, area: Int, on date: CalendarDate) -> HeatingJudgement {
        guard let rules = heating(on: date) else {
            return HeatingJudgement(verdict: .notJudged, placeholderFigures: false, reason: "no heating thresholds in force on \(date.iso)")
        }
        var result = HeatingJudgement(
            verdict: .notJudged, heatingType: costCase.heatingType, cost: costCase.heatingCosts, appropriateArea: area,
            placeholderFigures: rules.placeholder)
        if costCase.heatingIncluded {
            result.verdict = .includedInOperatingCosts
            result.reason = "heating is included in the operating costs"
        }
        guard let type = costCase.heatingType, let perYear = rules.thresholdPerSquareMetreYear[type] else {
            if result.verdict == .notJudged { result.reason = "heating type not given" }
            return result
        }
        let monthly = perYear.scaled(by: Int64(area), over: 12)
        result.thresholdPerSquareMetreYear = perYear
        result.monthlyThreshold = monthly
        guard !costCase.heatingIncluded else { return result }
        guard let cost = costCase.heatingCosts else {
            result.reason = "heating costs not given"
            return result
        }
        result.headroom = monthly - cost
        result.verdict = cost <= monthly ? .withinThreshold : .aboveThreshold
        result.reason = nil
        return result
    }
}

func formatArea(_ value: Double) -> String {
    value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
}

extension CostCase {
    /// The case for a stored listing and the members of a household, with ages taken on `date`.
    ///
    /// - Throws: `RuleBookError.invalidCase` when the listing has no municipality yet (geocode it first)
    ///   or the household has no members.
    public init(listing: Listing, members: [Member], on date: CalendarDate) throws(RuleBookError) {
        guard let municipality = listing.municipality else {
            throw .invalidCase(
                field: "municipality", value: listing.address.oneLine,
                hint: "the listing has no municipality (AGS) yet; resolve its postal code and place with the gazetteer first")
        }
        guard !members.isEmpty else {
            throw .invalidCase(field: "household size", value: "0", hint: "add the household's members first")
        }
        self.init(
            householdSize: members.count, memberAges: members.map { $0.birthDate.age(on: date) }, municipality: municipality,
            netColdRent: listing.netColdRent, operatingCosts: listing.operatingCosts, heatingCosts: listing.heatingCosts,
            heatingIncluded: listing.heatingIncluded, heatingType: listing.heatingType, livingArea: listing.livingArea,
            deposit: listing.deposit)
    }
}
