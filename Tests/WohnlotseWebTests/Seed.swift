import Foundation
import HousingDomain
import HousingStore
@testable import Matching
import RuleBook
@testable import WohnlotseWeb

/// A case as the tests need it: ids to visit, and the personal data that must stay hidden from the
/// job centre.
struct SeededCase {
    var householdID: Int64
    var reference: String
    var suggestionID: Int64
    var listingID: Int64
    var memberIDs: [Int64]
    /// Names, notes and health-related labels the job centre must never see.
    var secrets: [String]
}

extension WebFixture {
    static let rules: RuleBook = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        do { return try RuleBook.load(directory: root.appendingPathComponent("Rules")) } catch { fatalError("Rules/: \(error)") }
    }()

    /// A searching case of `coach` with two members (distinctive names), a job and a therapy
    /// anchor, a visit with a note, a flat in Plön and a suggestion for it, moved to `state`
    /// (`submitted` on `submittedOn`).
    @discardableResult
    func seedCase(
        _ reference: String, coach: String = "coach1", given: String = "Zzyzxa", family: String = "Qwertyova",
        state: SuggestionState = .submitted, submittedOn: CalendarDate = WebFixture.today, rent: Int64 = 300_00, asFacts: Bool = false
    ) throws -> SeededCase {
        let actor = try self.actor(coach)
        let today = WebFixture.today
        var household = Household(
            referenceCode: reference, languages: ["ar"], benefitType: .sgb2, needs: Needs(groundFloorOrLift: true),
            deadline: today.adding(days: 60), openedOn: today.adding(days: -40))
        household = try database.createHousehold(household, coachName: nil, by: actor)
        let key = reference
        _ = try database.moveStage(key, to: .coaching, on: today.adding(days: -35), note: nil, by: actor)
        _ = try database.moveStage(key, to: .searching, on: today.adding(days: -30), note: nil, by: actor)
        let adult = try database.addMember(
            Member(householdID: 0, givenName: given, familyName: family, birthDate: CalendarDate(iso: "1990-04-02")!, role: .applicant),
            toHousehold: key, today: today, by: actor)
        let child = try database.addMember(
            Member(householdID: 0, givenName: "Yx" + given.lowercased(), familyName: family, birthDate: CalendarDate(iso: "2015-09-03")!, role: .child),
            toHousehold: key, today: today, by: actor)
        _ = try database.addAnchor(
            Anchor(householdID: 0, memberID: adult.id, kind: .job, label: "Werkstatt am See", address: Address(postalCode: PostalCode("24306"), place: "Plön"),
                coordinate: Coordinate(latitude: 54.1624, longitude: 10.4233), daysPerWeek: 5),
            toHousehold: key, by: actor)
        _ = try database.addAnchor(
            // Without coordinates, as the demo stores its places: the gazetteer finds them.
            Anchor(householdID: 0, memberID: child.id, kind: .therapy, label: "Traumatherapie Kiel", address: Address(postalCode: PostalCode("24103"), place: "Kiel"),
                daysPerWeek: 1),
            toHousehold: key, by: actor)
        _ = try database.addVisit(
            Visit(householdID: 0, coachID: actor.userID, date: today.adding(days: -7), kind: .homeVisit, durationMinutes: 50,
                topics: ["Heizen"], note: "Geheimnotiz: Schimmel im Bad", followUp: today.adding(days: -1)),
            toHousehold: key, by: actor)
        let listing = try database.createListing(
            Listing(
                source: "manual", externalID: "", title: "2-Zimmer-Wohnung", address: Address(street: "Lange Straße", houseNumber: "7", postalCode: PostalCode("24306"), place: "Plön"),
                municipality: MunicipalityKey("01057057"), coordinate: Coordinate(latitude: 54.1600, longitude: 10.4200), rooms: 2, livingArea: 56, floor: 0,
                netColdRent: Money(cents: rent), operatingCosts: Money(cents: 90_00), heatingCosts: Money(cents: 65_00), heatingType: .gas,
                availableFrom: today.adding(days: 20), firstSeen: today.adding(days: -3), lastSeen: today),
            by: actor)
        let detail = try database.householdDetail(key, by: actor)
        let profile = HouseholdProfile(household: detail.household, members: detail.members, anchors: detail.anchors)
        let engine = MatchingEngine(book: Self.rules)
        let explanation = try engine.explain(household: profile, listing: listing, landlordOpenness: nil, on: today.adding(days: -5))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let suggestion = NewSuggestion(
            householdID: household.id ?? 0, listingID: listing.id ?? 0, rank: 1, score: min(1, max(0, explanation.score)), priority: explanation.priority,
            assigned: true, costVerdict: explanation.cost?.verdict.rawValue, grossColdRent: listing.grossColdRent, limit: explanation.cost?.limit,
            explanation: String(decoding: try encoder.encode(explanation), as: UTF8.self))
        // Stored whole, as runs before explanation facts were, or (`asFacts`) as figures with the
        // run's terms, as runs store them now: the pages read both kinds.
        var row = suggestion
        var terms: String?
        if asFacts {
            let context = try engine.ruleContext(on: today.adding(days: -5))
            var texts = TextTable()
            let facts = engine.facts(engine.plan(profile, context: context), profile: profile, listing: listing, openness: nil, context: context, texts: &texts)
            row.explanation = String(decoding: try encoder.encode(facts), as: UTF8.self)
            terms = String(decoding: try encoder.encode(engine.terms(context, texts: texts.texts)), as: UTF8.self)
        }
        let run = try database.saveMatchRun(
            date: today.adding(days: -5), startedAt: "2026-02-24T06:00:00Z", parameters: "{}", households: 1, listings: 1, pairsConsidered: 1,
            feasiblePairs: 1, milliseconds: 1, suggestions: [row], explanationTerms: terms, by: actor)
        let stored = try database.suggestions(householdKey: key, runID: run.id, by: actor)
        let id = stored.first?.id ?? 0
        let path: [SuggestionState] = [.presented, .submitted]
        for step in path where state != .suggested {
            _ = try database.moveSuggestion(id, to: step, on: step == .submitted ? submittedOn : today.adding(days: -4),
                note: step == .presented ? "Geheimnotiz: Familie zögert" : nil, by: actor)
            if step == state { break }
        }
        return SeededCase(
            householdID: household.id?.rawValue ?? 0, reference: reference, suggestionID: id, listingID: listing.id?.rawValue ?? 0,
            memberIDs: [adult.id?.rawValue ?? 0, child.id?.rawValue ?? 0],
            secrets: [given, family, "Yx" + given.lowercased(), "Geheimnotiz", "Schimmel", "Traumatherapie", "zögert"])
    }

    func suggestionState(_ id: Int64) throws -> SuggestionState {
        try database.suggestion(id, by: try actor("admin")).state
    }
}
