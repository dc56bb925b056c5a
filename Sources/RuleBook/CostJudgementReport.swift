import Foundation
import HousingDomain

/// Renders judgements and tables as plain text a job-centre clerk reads: the verdict first, then the numbers.
public enum CostJudgementReport {
    /// The one-line verdict, e.g. `APPROPRIATE — within the KdU limit by 30.00 €`.
    public static func headline(_ j: CostJudgement) -> String {
        let what = j.combinedCap == nil ? "the KdU limit" : "the combined rent-plus-heating cap"
        let headroom = j.combinedCap?.headroom ?? j.headroom ?? .zero
        switch j.verdict {
        case .appropriate:
            return headroom.cents == 0
                ? "APPROPRIATE — exactly at \(what)"
                : "APPROPRIATE — within \(what) by \(headroom)"
        case .notAppropriate:
            return "NOT APPROPRIATE — \(-headroom) over \(j.combinedCap == nil ? "the limit" : what)"
        case .noCountyLimit:
            let name = j.municipalityName.map { "\($0) (\(j.municipality))" } ?? "municipality \(j.municipality)"
            return "NO KREIS PLÖN LIMIT — \(name) is outside Kreis Plön"
        }
    }

    /// The full report: headline, then region, table version, row, limit, Bruttokaltmiete, heating, notes.
    public static func render(_ j: CostJudgement) -> String {
        var lines = [headline(j)]
        func add(_ label: String, _ value: String) {
            lines.append("  " + (label + ":").padding(toLength: 18, withPad: " ", startingAt: 0) + value)
        }
        add("Date", j.date.iso)
        add("Flat in", j.municipalityName.map { "\($0) (\(j.municipality))" } ?? j.municipality.rawValue)
        if let region = j.region { add("Region", "Vergleichsraum \(region.id) \(region.name)") }
        if let table = j.table {
            add("Table", "valid from \(table.validFrom.iso) (\(table.file))")
            add("Source", oneLine(table.source))
        }
        if let row = j.row {
            let persons = row.householdSize == 1 ? "1 person" : "\(row.householdSize) persons"
            let rule = row.largerHouseholdRule ? ", larger-household rule from the \(row.tableRow)-person row" : ""
            add("Row", "\(persons) (appropriate area \(row.appropriateArea) m²\(rule))")
        }
        if let limit = j.limit { add("Limit", "\(limit) Bruttokaltmiete") }
        add("Bruttokaltmiete", "\(j.grossColdRent) = \(j.netColdRent) Nettokaltmiete + \(j.operatingCosts) kalte Betriebskosten")
        if let headroom = j.headroom {
            if headroom.cents >= 0 { add("Headroom", "\(headroom)") } else { add("Excess", "\(-headroom)") }
        }
        add("Living area", "\(formatArea(j.livingArea)) m²")
        add("Heating", heatingLine(j.heating))
        if let cap = j.combinedCap {
            let state = cap.withinCap ? "within by \(cap.headroom)" : "\(-cap.headroom) over"
            add("Combined cap", "\(cap.cost) rent + heating of \(cap.cap) allowed — \(state)")
        }
        if !j.notes.isEmpty {
            lines.append("Notes:")
            lines += j.notes.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func heatingLine(_ h: HeatingJudgement) -> String {
        let basis: String
        if let perYear = h.thresholdPerSquareMetreYear, let area = h.appropriateArea, let monthly = h.monthlyThreshold {
            let type = h.heatingType?.rawValue ?? "?"
            basis = "\(monthly) a month (\(type): \(perYear) per m² and year × \(area) m² ÷ 12)"
        } else {
            basis = ""
        }
        switch h.verdict {
        case .withinThreshold:
            return "within the threshold — \(h.cost ?? .zero) of \(basis)"
        case .aboveThreshold:
            let over = -(h.headroom ?? .zero)
            return "ABOVE the threshold by \(over) — \(h.cost ?? .zero) against \(basis)"
        case .includedInOperatingCosts:
            return "included in the operating costs, not judged on its own" + (basis.isEmpty ? "" : "; threshold would be \(basis)")
        case .notJudged:
            return "not judged — \(h.reason ?? "no figures")" + (basis.isEmpty ? "" : "; threshold \(basis)")
        }
    }

    /// The table in force, for `rules show`.
    public static func render(table: CostLimitTable, heating: HeatingRules?, on date: CalendarDate, gazetteer: Gazetteer) -> String {
        var lines: [String] = []
        lines.append("KdU limits (Bruttokaltmiete) of Kreis Plön in force on \(date.iso)")
        lines.append("Table valid from \(table.validFrom.iso) — \(table.file)")
        lines.append("Source: \(oneLine(table.source))")
        lines.append("")
        let sizes = Array(1...max(1, table.largestSize))
        let header = "Region".padding(toLength: 28, withPad: " ", startingAt: 0)
            + sizes.map { pad("\($0) P", 10) }.joined()
        lines.append(header)
        for region in table.regions {
            let label = "\(region.id) \(region.name)".padding(toLength: 28, withPad: " ", startingAt: 0)
            lines.append(label + sizes.map { pad(region.limits[$0].map(\.description) ?? "—", 10) }.joined())
        }
        lines.append("Appropriate area".padding(toLength: 28, withPad: " ", startingAt: 0)
            + sizes.map { pad("\(table.appropriateArea[$0] ?? 0) m²", 10) }.joined())
        lines.append("")
        lines.append("Larger households: +\(table.areaPerFurtherPerson) m² per further person; \(oneLine(table.largerHouseholdNote))")
        lines.append("Single people under 25: \(table.under25SingleNeedsApproval ? "separate approval needed (§ 22 Abs. 5 SGB II)" : "no separate rule")")
        lines.append("")
        lines.append("Members of each region:")
        for region in table.regions {
            let names = region.members.sorted().map { gazetteer.entry(for: $0)?.municipalityName ?? $0.rawValue }
            lines.append("  \(region.id) \(region.name) (\(names.count)): \(names.joined(separator: "; "))")
        }
        lines.append("")
        if let heating {
            let marker = heating.placeholder ? " — PLACEHOLDER figures, to be replaced by the county" : ""
            lines.append("Heating thresholds valid from \(heating.validFrom.iso) (€ per m² and year)\(marker):")
            for type in HeatingType.allCases {
                lines.append("  \(type.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0))\(heating.thresholdPerSquareMetreYear[type].map(\.description) ?? "—")")
            }
            lines.append("Combined rent-plus-heating cap (§ 22 Abs. 10 SGB II): \(heating.combinedCapEnabled ? "on" : "off")")
        } else {
            lines.append("No heating thresholds in force on \(date.iso).")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
