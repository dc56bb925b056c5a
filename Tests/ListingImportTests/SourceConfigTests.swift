import Foundation
import HousingDomain
import Testing

@testable import ListingImport

@Suite struct SourceConfigTests {
    let base = URL(fileURLWithPath: "/srv/wohnlotse/Imports")

    @Test func readsAFullConfiguration() throws {
        let yaml = """
            sources:
              - name: firma-a
                url: https://export.example.org/voll.xml
                format: openimmo
                credentials:
                  username_env: FIRMA_A_USER
                  password_env: FIRMA_A_PASSWORD
              - name: genossenschaft
                url: file://samples/g.csv
                format: csv
                enabled: false
                scope: partial
                csv:
                  delimiter: ";"
                  columns: { id: Objekt-Nr, net_cold_rent: Kaltmiete }
                region:
                  postal_codes: ["24306", "242*"]
                  places: [Laboe]
              - name: portal
                url: feeds/portal.json
                format: json
                credentials: { bearer_token_env: PORTAL_TOKEN }
              - name: absolut
                url: file:///var/feeds/x.xml
                format: openimmo
            """
        let sources = try ImportSources.parse(yaml: yaml, file: "sources.yaml", baseDirectory: base)
        #expect(sources.map(\.name) == ["firma-a", "genossenschaft", "portal", "absolut"])
        #expect(sources[0].location == .http(try #require(URL(string: "https://export.example.org/voll.xml"))))
        #expect(sources[0].credentials == .basic(usernameEnv: "FIRMA_A_USER", passwordEnv: "FIRMA_A_PASSWORD"))
        #expect(sources[0].enabled && sources[0].scope == .full && sources[0].line == 2)
        #expect(sources[1].location == .file(URL(fileURLWithPath: "/srv/wohnlotse/Imports/samples/g.csv")))
        #expect(sources[1].enabled == false)
        #expect(sources[1].scope == .partial)
        #expect(sources[1].csv == CSVOptions(delimiter: .semicolon, columns: [.id: "Objekt-Nr", .netColdRent: "Kaltmiete"]))
        #expect(sources[1].region == RegionFilter(postalCodes: ["24306", "242*"], places: ["Laboe"]))
        #expect(sources[2].location == .file(URL(fileURLWithPath: "/srv/wohnlotse/Imports/feeds/portal.json")))
        #expect(sources[2].credentials == .bearer(tokenEnv: "PORTAL_TOKEN"))
        #expect(sources[3].location == .file(URL(fileURLWithPath: "/var/feeds/x.xml")))
    }

    /// Each bad file names what is wrong and the line.
    @Test(arguments: [
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: openimmo\n    intervall: 5\n", "sources.yaml:5:", "unknown key 'intervall'"),
        ("quellen: []\n", "sources.yaml:1:", "unknown key 'quellen'"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: openimmo\n  - name: a\n    url: https://x.org/g.xml\n    format: openimmo\n", "sources.yaml:5:", "already used on line 2"),
        ("sources:\n  - name: a\n    url: ftp://x.org/f.xml\n    format: openimmo\n", "sources.yaml:3:", "https://, http:// or file://"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: xls\n", "sources.yaml:4:", "'xls' is not a valid format"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: json\n    credentials:\n      password: hunter2\n", "sources.yaml:6:", "'password' would put a secret"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: json\n    credentials:\n      bearer_token_env: eyJhbGciOi.abc\n", "sources.yaml:6:", "'bearer_token_env' would put a secret"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: json\n    credentials:\n      username_env: USER_A\n", "sources.yaml:5:", "username_env and password_env"),
        ("sources:\n  - name: a\n    format: json\n", "sources.yaml:2:", "needs 'url'"),
        ("sources:\n  - name: a b\n    url: https://x.org/f.xml\n    format: json\n", "sources.yaml:2:", "'a b' is not a valid name"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: openimmo\n    scope: full\n", "sources.yaml:5:", "states its scope itself"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: csv\n    csv:\n      columns:\n        kaltmiete: Miete\n", "sources.yaml:7:", "unknown key 'kaltmiete'"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: json\n    csv: {delimiter: \";\"}\n", "sources.yaml:5:", "only a source with format: csv"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: json\n    region:\n      postal_codes: [\"2430\"]\n", "sources.yaml:6:", "'2430' is not a valid postal code"),
        ("sources:\n  - name: a\n    url: https://x.org/f.xml\n    format: json\n    enabled: vielleicht\n", "sources.yaml:5:", "use true or false"),
        ("sources:\n  - name: a\n   url: [\n", "sources.yaml:3:", "not valid YAML"),
    ])
    func rejectsBadConfigurationNamingKeyAndLine(yaml: String, location: String, fragment: String) throws {
        let error = try #require(throws: SourceConfigError.self) {
            try ImportSources.parse(yaml: yaml, file: "sources.yaml", baseDirectory: base)
        }
        #expect(error.description.hasPrefix(location), "\(error)")
        #expect(error.description.contains(fragment), "\(error)")
    }

    @Test func loadsTheShippedSourcesFile() throws {
        let url = Fixture.importsDirectory.appendingPathComponent("sources.yaml")
        let sources = try ImportSources.load(from: url)
        #expect(sources.map(\.name) == ["probstei-wohnbau", "genossenschaft-ostsee", "holsteinische-schweiz-portal"])
        for source in sources {
            guard case .file(let file) = source.location else {
                Issue.record("\(source.name) should read a sample file")
                continue
            }
            #expect(FileManager.default.fileExists(atPath: file.path), "\(file.path)")
        }
    }

    @Test(arguments: [
        ("24306", "Plön", true), ("24211", "Preetz", true), ("24321", "Lütjenburg", false), ("24235", "Laboe", true),
    ])
    func regionFilterAdmitsByPostalCodeOrPlace(code: String, place: String, admitted: Bool) throws {
        let filter = RegionFilter(postalCodes: ["24306", "242*"], places: ["laboe"])
        let draft = ListingDraft(
            source: "s", externalID: "1", address: Address(postalCode: PostalCode(code), place: place), rooms: 2,
            livingArea: 50, netColdRent: Money(euros: 400))
        #expect(filter.admits(draft) == admitted)
    }
}
