import ArgumentParser

/// `wohnlotse about`: what Wohnlotse is, its version, and the data it ships with their attributions.
public struct AboutCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "about",
        abstract: "What Wohnlotse is, its version, and the credits for the data it ships.")

    public static let version = "0.1.0"

    /// The text printed by `wohnlotse about`; the attributions are verbatim as the data licences require.
    public static let text = """
        Wohnlotse \(version)
        Case management and flat matching for the mobile housing coaching (mobiles Wohnungscoaching)
        of Kreis Plön: housing coaches help refugee households into flats of their own, and the job
        centre approves rents within its cost-of-accommodation limits (KdU, § 22 SGB II).

        Data credits
        Postal code coordinates: GeoNames (https://www.geonames.org/), licensed under CC BY 4.0
        (https://creativecommons.org/licenses/by/4.0/), via zauberware/postal-codes-json-xml-csv
        (CC BY 4.0). Filtered and joined with municipality data for Kreis Plön.

        Municipality keys, names and reference coordinates: © Statistisches Bundesamt (Destatis),
        Gemeindeverzeichnis-Informationssystem GV-ISys (AuszugGV, 4. Quartal), Datenlizenz
        Deutschland – Namensnennung – Version 2.0 (https://www.govdata.de/dl-de/by-2-0);
        data filtered, reformatted and joined with GeoNames postal codes.

        Cost limits: Jobcenter Kreis Plön, table valid from 01.01.2020 (see Rules/cost-limits/).
        Heating thresholds in Rules/heating/ are placeholders until the county replaces them.
        """

    public init() {}

    public func run() throws {
        print(Self.text)
    }
}
