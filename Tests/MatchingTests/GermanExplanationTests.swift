import HousingDomain
import Testing

@testable import Matching

/// The web app's German pages state an explanation's checks and components in German, with German
/// numbers and dates; the figures are the same as in English, which stays the default (CLI).
@Suite struct GermanExplanationTests {
    let engine = MatchingEngine(book: repoBook)

    func detail(_ e: MatchExplanation, _ id: String) -> String? {
        (e.checks.first { $0.id == id }?.detail) ?? (e.components.first { $0.id == id }?.detail)
    }

    /// A 3-person household with a job in Plön, at most floor 1, pets and a deadline, and a flat in
    /// Preetz on floor 2 (no lift), 484.50 € Bruttokaltmiete against the 570.00 € limit, 61.25 m²
    /// (written 61,2 as C writes 61.2: the nearest, ties to even).
    func pair(_ language: ExplanationLanguage) throws -> MatchExplanation {
        let job = Anchor(householdID: 1, kind: .job, label: "Job in Plön", address: Address(), coordinate: plönPoint, daysPerWeek: 5)
        let profile = household(needs: Needs(maxFloor: 1, pets: true), deadline: day.adding(days: 30), anchors: [job])
        let listing = flat(area: 61.25, rooms: 2.5, floor: 2, pets: nil, available: day.adding(days: 10), landlord: 4)
        return try engine.explain(household: profile, listing: listing, landlordOpenness: .open, on: day, language: language)
    }

    @Test func checksAndComponentsAreStatedInGerman() throws {
        let german = try pair(.german)
        let expected: [(String, String)] = [
            ("listing", "aktiv, und der Vermieter hat nicht abgelehnt"),
            ("cost", "Bruttokaltmiete 484,50 € innerhalb der Grenze 570,00 € (Spielraum 85,50 €)"),
            ("wbs", "kein WBS nötig"),
            ("access", "höchstens Etage 1 ohne Aufzug, die Wohnung liegt in Etage 2"),
            ("pets", "Haustiere: das Angebot sagt nichts dazu; beim Vermieter nachfragen"),
            ("dates", "frei ab 11.03.2026, vor der Frist 31.03.2026"),
            ("commute", "Job in Plön 46 Min. mit dem Bus (5×/Woche) — geschätzt"),
            ("landlord", "Vermieter: aufgeschlossen"),
            ("place", "Preetz, Stadt (01057062) erlaubt"),
            ("time-on-market", "seit 0 Tagen inseriert (0 nach \(repoBook.matching.market.staleDays) Tagen)"),
        ]
        for (id, text) in expected { #expect(detail(german, id) == text, "\(id)") }
        #expect(detail(german, "space")?.hasPrefix("61,2 m² und 2,5 Zimmer für 3 Person(en) (mindestens") == true, "\(detail(german, "space") ?? "")")
        #expect(detail(german, "cost-headroom")?.hasPrefix("Spielraum 85,50 € von 570,00 €") == true)
    }

    /// Same figures, every sentence in the other language; English is what the CLI has always shown.
    @Test func theFiguresAreTheSameAndEverySentenceIsTranslated() throws {
        let (german, english) = (try pair(.german), try pair(.english))
        #expect(german.score == english.score && german.priority == english.priority && german.cost == english.cost && german.trips == english.trips)
        #expect(german.checks.map(\.id) == english.checks.map(\.id) && german.checks.map(\.passed) == english.checks.map(\.passed))
        for (g, e) in zip(german.checks, english.checks) { #expect(g.detail != e.detail, "\(g.id): \(g.detail)") }
        for (g, e) in zip(german.components, english.components) {
            #expect(g.value == e.value && g.contribution == e.contribution)
            #expect(g.detail != e.detail, "\(g.id): \(g.detail)")
        }
        #expect(detail(english, "cost") == "Bruttokaltmiete 484.50 € within the limit 570.00 € (headroom 85.50 €)")
        #expect(detail(english, "place") == "Preetz, Stadt (01057062) allowed", "the place by name, with its key")
        #expect(try engine.explain(household: household(), listing: flat(), landlordOpenness: nil, on: day) == (try engine.explain(
            household: household(), listing: flat(), landlordOpenness: nil, on: day, language: .english)))
    }

    /// The job centre's German page: access needs only as met or not, trips without their labels.
    @Test func theJobCentresRedactedViewIsGermanToo() throws {
        let redacted = try pair(.german).redactedForJobcentre(language: .german)
        #expect(detail(redacted, "access") == "Einzelheiten nur für den Coach")
        #expect(redacted.checks.first { $0.id == "access" }?.passed == false, "whether it passed stays")
        #expect(detail(redacted, "commute") == "A1 46 Min. mit dem Bus (5×/Woche) — geschätzt")
    }

    @Test(arguments: [(123_456, "1.234,56 €"), (5, "0,05 €"), (-85_050, "-850,50 €"), (100_000_000, "1.000.000,00 €"), (57_000, "570,00 €")] as [(Int64, String)])
    func germanMoney(cents: Int64, text: String) {
        #expect(Wording(language: .german).money(cents) == text)
        #expect(Wording(language: .english).money(cents) == Money(cents: cents).description)
    }
}
