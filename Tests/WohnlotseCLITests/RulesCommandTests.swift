import Foundation
import Testing

/// `wohnlotse rules …` and `wohnlotse about` as a clerk runs them.
@Suite struct RulesCommandTests {
    @Test func counterQuestionPrintsVerdictFirstThenTheNumbers() throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        let result = try cli.ok([
            "rules", "check", "--size", "3", "--municipality", "01057057", "--rent", "540", "--operating", "120",
            "--area", "70", "--on", "2026-03-01",
        ])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(11)) == [
                "NOT APPROPRIATE — 150.00 € over the limit",
                "  Date:             2026-03-01",
                "  Flat in:          Plön, Stadt (01057057)",
                "  Region:           Vergleichsraum III Ost",
                "  Table:            valid from 2020-01-01 (Rules/cost-limits/2020-01-01.yaml)",
                lines.count > 5 ? lines[5] : "",  // source, free text from the rules file
                "  Row:              3 persons (appropriate area 75 m²)",
                "  Limit:            510.00 € Bruttokaltmiete",
                "  Bruttokaltmiete:  660.00 € = 540.00 € Nettokaltmiete + 120.00 € kalte Betriebskosten",
                "  Excess:           150.00 €",
                "  Living area:      70 m²",
            ])
        #expect(lines.count > 5 && lines[5].hasPrefix("  Source:           Jobcenter Kreis Plön"))
    }

    @Test func postalCodeAndPlaceWithHeatingAndNotes() throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        let result = try cli.ok([
            "rules", "check", "--size", "1", "--postal-code", "24211", "--place", "Preetz", "--rent", "300",
            "--operating", "100", "--area", "48", "--heating", "80", "--heating-type", "gas", "--ages", "22",
            "--deposit", "900", "--on", "2026-03-01",
        ])
        #expect(result.stdout.hasPrefix("APPROPRIATE — exactly at the KdU limit\n"))
        #expect(result.stdout.contains("  Heating:          within the threshold — 80.00 € of 91.67 € a month (gas: 22.00 € per m² and year × 50 m² ÷ 12)"))
        #expect(result.stdout.contains("Under-25 single (22): separate approval needed"))
        #expect(result.stdout.contains("Deposit 900.00 € needs its own approval"))
    }

    @Test func jsonOutputKeepsMoneyAsText() throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        let result = try cli.ok([
            "rules", "check", "--size", "2", "--municipality", "01057091", "--rent", "400", "--operating", "120",
            "--area", "60", "--on", "2026-03-01", "--json",
        ])
        #expect(result.stdout.contains("\"verdict\" : \"appropriate\""))
        #expect(result.stdout.contains("\"limit\" : \"520.00\""))
        #expect(result.stdout.contains("\"headroom\" : \"0.00\""))
    }

    @Test func outsideTheCountyNoLimitApplies() throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        let result = try cli.ok([
            "rules", "check", "--size", "2", "--postal-code", "24113", "--place", "Kiel", "--rent", "400",
            "--operating", "120", "--area", "60", "--on", "2026-03-01",
        ])
        #expect(result.stdout.hasPrefix("NO KREIS PLÖN LIMIT — Kiel, Landeshauptstadt (01002000) is outside Kreis Plön\n"))
    }

    @Test(arguments: [
        (["--on", "2026-02-30"], "--on '2026-02-30' is not a date"),
        (["--rent=-5"], "--rent '-5' is negative"),
        (["--rent", "fünf"], "--rent 'fünf' is not a euro amount"),
        (["--heating-type", "wood"], "--heating-type 'wood': use one of gas, oil, district-heating, heat-pump, electric"),
        (["--ages", "30,31"], "--ages lists 2 ages but --size is 3"),
        (["--municipality", "1057057"], "--municipality '1057057' is not an 8-digit AGS"),
    ])
    func badFlagsAreValidationErrors(extra: [String], message: String) throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        var arguments = ["rules", "check", "--size", "3", "--operating", "120", "--area", "70"]
        if !extra.contains(where: { $0.hasPrefix("--rent") }) { arguments += ["--rent", "540"] }
        if !extra.contains("--municipality") { arguments += ["--municipality", "01057057"] }
        let result = try cli.run(arguments + extra)
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func misspelledPlaceShowsTheNearestCandidates() throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        let result = try cli.run([
            "rules", "check", "--size", "2", "--postal-code", "24211", "--place", "Preets", "--rent", "400",
            "--operating", "120", "--area", "60",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no place 'Preets' has postal code 24211"))
        #expect(result.stderr.contains("  - 24211 Preetz → Preetz, Stadt (01057062)"))
    }

    @Test func brokenRulesAreReportedAndNothingIsJudged() throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        let table = cli.directory.appendingPathComponent("Rules/cost-limits/2020-01-01.yaml")
        let text = try String(contentsOf: table, encoding: .utf8)
            .replacingOccurrences(of: "area_per_further_person: 10", with: "area_per_further_person: 10\nmaximum_rent: 900")
        try text.write(to: table, atomically: true, encoding: .utf8)

        let validate = try cli.run(["rules", "validate"])
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("Rules/cost-limits/2020-01-01.yaml:24: maximum_rent: unknown key 'maximum_rent'"))

        let check = try cli.run([
            "rules", "check", "--size", "3", "--municipality", "01057057", "--rent", "540", "--operating", "120", "--area", "70",
        ])
        #expect(check.status == 1)
        #expect(check.stdout.isEmpty)
        #expect(check.stderr.contains("Wohnlotse will not judge costs with broken rules"))
    }

    @Test func validateAcceptsTheShippedRulesAndTakesADirectory() throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        #expect(try cli.ok(["rules", "validate"]).stdout.contains("are valid"))
        #expect(try cli.ok(["rules", "validate", "Rules"]).stdout.contains("85 municipalities of Kreis Plön"))
        let missing = try cli.run(["rules", "validate", "NoSuchDir"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("is not a directory of rules"))
    }

    @Test func validateChecksTheRetentionFileToo() throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        #expect(try cli.ok(["rules", "validate"]).stdout.contains("retention: closed cases anonymised after"))
        let file = cli.directory.appendingPathComponent("Rules/retention.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "clear_after_months:", with: "clear_after_month:").write(to: file, atomically: true, encoding: .utf8)
        let result = try cli.run(["rules", "validate"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Rules/retention.yaml:"), "\(result.stderr)")
        #expect(result.stderr.contains("unknown key 'clear_after_month' (did you mean 'clear_after_months'?)"), "\(result.stderr)")
    }

    @Test func rulesDirectoryComesFromTheEnvironment() throws {
        let cli = try CLIRunner()
        try cli.installProjectData()
        try FileManager.default.moveItem(
            at: cli.directory.appendingPathComponent("Rules"), to: cli.directory.appendingPathComponent("CountyRules"))
        let result = try cli.run(["rules", "show", "--on", "2026-03-01"], extraEnvironment: ["WOHNLOTSE_RULES": "CountyRules"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasPrefix("KdU limits (Bruttokaltmiete) of Kreis Plön in force on 2026-03-01\n"))
        #expect(try cli.ok(["rules", "show", "--rules", "CountyRules", "--json"]).stdout.contains("\"validFrom\" : \"2020-01-01\""))
    }

    @Test func rulesHelpIsPinned() throws {
        let cli = try CLIRunner()
        let result = try cli.ok(["rules", "--help"])
        #expect(
            result.stdout == """
                OVERVIEW: Show, validate and apply the county's cost-of-accommodation rules
                (KdU).

                USAGE: wohnlotse rules <subcommand>

                OPTIONS:
                  -h, --help              Show help information.

                SUBCOMMANDS:
                  show                    Print the cost-limit table and heating thresholds in
                                          force on a date.
                  validate                Check every rules file and list each problem with
                                          file, line and what to do.
                  check                   Judge a flat's costs for a household against the KdU
                                          limits (a quick question at the counter).

                  See 'wohnlotse help rules <subcommand>' for detailed help.

                """)
    }

    @Test func aboutCreditsTheDataVerbatim() throws {
        let cli = try CLIRunner()
        let result = try cli.ok(["about"])
        #expect(result.stdout.contains("Postal code coordinates: GeoNames (https://www.geonames.org/), licensed under CC BY 4.0"))
        #expect(result.stdout.contains("Deutschland – Namensnennung – Version 2.0 (https://www.govdata.de/dl-de/by-2-0);"))
    }
}
