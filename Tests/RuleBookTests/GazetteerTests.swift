import Foundation
import HousingDomain
import Testing

@testable import RuleBook

@Suite struct GazetteerTests {
    @Test(arguments: [
        ("24306", "Plön", "01057057"),
        ("24306", "Ploen", "01057057"),
        ("24306", "PLON", "01057057"),
        ("24306", "plön, stadt", "01057057"),
        ("24211", "Preetz", "01057062"),
        ("24147", "Klausdorf", "01057091"),  // former municipality, now Schwentinental
        ("24147", "Kiel", "01002000"),  // same postal code, other municipality
        ("24326", "Ascheberg (Holstein)", "01057001"),
        ("24326", "Stocksee", "01060080"),  // same postal code, Kreis Segeberg
        ("24217", "Schönberg", "01057073"),
    ])
    func resolvesPostalCodeAndPlace(postalCode: String, place: String, ags: String) throws {
        let book = try Support.realBook()
        let entry = try book.gazetteer.resolve(postalCode: try #require(PostalCode(postalCode)), place: place)
        #expect(entry.municipality.rawValue == ags)
    }

    @Test func misspelledPlaceNamesTheNearestCandidates() throws {
        let book = try Support.realBook()
        let code = try #require(PostalCode("24211"))
        do {
            _ = try book.gazetteer.resolve(postalCode: code, place: "Preets")
            Issue.record("expected an error")
        } catch {
            guard case .unknownPlace = error else { Issue.record("wrong case \(error)"); return }
            #expect(error.candidates.first?.place == "Preetz")
            #expect(error.description.contains("Nearest candidates"))
            #expect(error.description.contains("24211 Preetz → Preetz, Stadt (01057062)"))
        }
    }

    @Test func unknownPostalCodeAndPostalCodeAloneAreRefused() throws {
        let book = try Support.realBook()
        #expect(throws: PlaceLookupError.self) {
            try book.gazetteer.resolve(postalCode: try #require(PostalCode("99999")), place: "Plön")
        }
        let plön = try #require(PostalCode("24306"))
        do {
            _ = try book.gazetteer.resolve(postalCode: plön, place: " ")
            Issue.record("expected an error")
        } catch {
            guard case .ambiguous(_, _, let candidates) = error else { Issue.record("wrong case \(error)"); return }
            #expect(candidates.count == 5)
        }
    }

    @Test func municipalityEntryPrefersTheDestatisPointOnTheMinuteGrid() throws {
        let book = try Support.realBook()
        let heikendorf = try #require(book.gazetteer.entry(for: try Support.key("01057025")))
        #expect(heikendorf.onMinuteGrid)
        #expect(heikendorf.coordinate == heikendorf.municipalityCoordinate)
        let plön = try #require(book.gazetteer.entry(for: try Support.key("01057057")))
        #expect(plön.municipalityName == "Plön, Stadt")
        #expect(!plön.onMinuteGrid)
        #expect(plön.coordinate == plön.placeCoordinate)
        #expect(book.gazetteer.postalCodes(for: try Support.key("01057091")).map(\.rawValue) == ["24147", "24222", "24223"])
    }
}
