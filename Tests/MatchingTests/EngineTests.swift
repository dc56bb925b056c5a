import Foundation
import HousingDomain
import RuleBook
import Testing

@testable import Matching

/// The repository's rules, loaded once.
let repoBook: RuleBook = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    do { return try RuleBook.load(directory: root.appendingPathComponent("Rules")) } catch { fatalError("\(error)") }
}()

let day = CalendarDate(iso: "2026-03-01")!
let preetz = MunicipalityKey("01057062")!  // Vergleichsraum II West: 3 persons 570.00 €
let plönPoint = Coordinate(latitude: 54.1624, longitude: 10.4213)!
let preetzPoint = Coordinate(latitude: 54.2354, longitude: 10.278)!

func household(size: Int = 3, needs: Needs = Needs(), residence: ResidenceObligation = .none, excluded: [MunicipalityKey] = [],
               preferred: [MunicipalityKey] = [], deadline: CalendarDate? = nil, anchors: [Anchor] = [], opened: CalendarDate = day) -> HouseholdProfile {
    let h = Household(id: 1, referenceCode: "T-1", residenceObligation: residence, needs: needs, preferredMunicipalities: preferred,
        excludedMunicipalities: excluded, deadline: deadline, stage: .searching, openedOn: opened)
    var members: [Member] = []
    for i in 0..<size {
        let born: CalendarDate = i < 2 ? CalendarDate(year: 1985, month: 1, day: 1)! : CalendarDate(year: 2015, month: 1, day: 1)!
        let role: Member.Role = i == 0 ? .applicant : .child
        members.append(Member(id: Member.ID(Int64(i + 1)), householdID: 1, givenName: "M\(i)", familyName: "F", birthDate: born, role: role))
    }
    return HouseholdProfile(household: h, members: members, anchors: anchors)
}

func flat(id: Int64 = 1, gross: Int64 = 48_450, area: Double = 60, rooms: Double = 3, floor: Int? = 0, lift: Bool? = nil, stepFree: Bool? = nil,
          wbs: Bool = false, pets: Bool? = nil, municipality: MunicipalityKey? = preetz, coordinate: Coordinate? = preetzPoint,
          available: CalendarDate? = nil, status: Listing.Status = .active, duplicateOf: Listing.ID? = nil, landlord: Landlord.ID? = nil,
          firstSeen: CalendarDate = day) -> Listing {
    Listing(id: Listing.ID(id), source: "s", externalID: "E\(id)", address: Address(postalCode: PostalCode("24211"), place: "Preetz"),
        municipality: municipality, coordinate: coordinate, rooms: rooms, livingArea: area, floor: floor, lift: lift, stepFree: stepFree,
        netColdRent: Money(cents: gross - 10_000), operatingCosts: Money(cents: 10_000), availableFrom: available, wbsRequired: wbs,
        petsAllowed: pets, landlordID: landlord, firstSeen: firstSeen, lastSeen: day, status: status, duplicateOf: duplicateOf)
}

@Suite struct HardFilterTests {
    let engine = MatchingEngine(book: repoBook)

    /// Each hard filter on its own: the named check fails, every other passes.
    @Test(arguments: [
        ("cost", household(), flat(gross: 57_001)),
        ("space", household(size: 3), flat(area: 29.5)),
        ("space", household(size: 5), flat(area: 80, rooms: 2)),
        ("wbs", household(), flat(wbs: true)),
        ("wbs", household(needs: Needs(wbsHeld: true, wbsRooms: 2)), flat(rooms: 3, wbs: true)),
        ("access", household(needs: Needs(stepFree: true)), flat(stepFree: nil)),
        ("access", household(needs: Needs(groundFloorOrLift: true)), flat(floor: 3, lift: false)),
        ("access", household(needs: Needs(maxFloor: 1)), flat(floor: 2)),
        ("pets", household(needs: Needs(pets: true)), flat(pets: false)),
        ("place", household(residence: .municipality(MunicipalityKey("01057057")!)), flat()),
        ("place", household(excluded: [preetz]), flat()),
        ("dates", household(deadline: day.adding(days: 30)), flat(available: day.adding(days: 31))),
        ("listing", household(), flat(status: .gone)),
        ("listing", household(), flat(duplicateOf: 9)),
    ] as [(String, HouseholdProfile, Listing)])
    func failsExactlyTheNamedCheck(check: String, profile: HouseholdProfile, listing: Listing) throws {
        let e = try engine.explain(household: profile, listing: listing, landlordOpenness: nil, on: day)
        #expect(!e.passed)
        #expect(e.failedChecks.map(\.id) == [check], "\(e.failedChecks)")
    }

    @Test func passesAtTheLimitToTheCent() throws {
        let atLimit = try engine.explain(household: household(), listing: flat(gross: 57_000), landlordOpenness: nil, on: day)
        #expect(atLimit.passed)
        #expect(atLimit.checks.first { $0.id == "cost" }?.detail == "Bruttokaltmiete 570.00 € within the limit 570.00 € (headroom 0.00 €)")
        let over = try engine.explain(household: household(), listing: flat(gross: 57_001), landlordOpenness: nil, on: day)
        #expect(over.checks.first { $0.id == "cost" }?.detail == "Bruttokaltmiete 570.01 € is 0.01 € over the limit 570.00 €")
    }

    @Test func toleranceLetsAFlatOverTheLimitThroughMarked() throws {
        var rules = repoBook.matching
        rules.costTolerancePercent = 5
        let lenient = MatchingEngine(book: repoBook, rules: rules)
        // 570.00 € × 1.05 = 598.50 €
        let e = try lenient.explain(household: household(), listing: flat(gross: 59_850), landlordOpenness: nil, on: day)
        #expect(e.passed)
        #expect(e.overLimitWithinTolerance)
        let beyond = try lenient.explain(household: household(), listing: flat(gross: 59_851), landlordOpenness: nil, on: day)
        #expect(!beyond.passed)
    }

    @Test func declinedLandlordIsFilteredUnknownPetsPass() throws {
        let declined = try engine.explain(household: household(), listing: flat(landlord: 3), landlordOpenness: .declined, on: day)
        #expect(declined.failedChecks.map(\.id) == ["listing"])
        let unknownPets = try engine.explain(household: household(needs: Needs(pets: true)), listing: flat(pets: nil), landlordOpenness: nil, on: day)
        #expect(unknownPets.passed)
        #expect(unknownPets.checks.first { $0.id == "pets" }?.detail == "pets: the listing does not say; ask the landlord")
    }
}

@Suite struct ScoreComponentTests {
    let engine = MatchingEngine(book: repoBook)

    func component(_ e: MatchExplanation, _ id: String) -> Double { e.components.first { $0.id == id }?.value ?? -1 }

    /// Cost headroom: full score from 15 % under the limit; 28.50 € under 570.00 € is 5 % → 1/3.
    @Test(arguments: [(48_450, 1.0), (54_150, 1.0 / 3), (57_000, 0.0), (40_000, 1.0)] as [(Int64, Double)])
    func costHeadroom(gross: Int64, expected: Double) throws {
        let e = try engine.explain(household: household(), listing: flat(gross: gross), landlordOpenness: nil, on: day)
        #expect(abs(component(e, "cost-headroom") - expected) < 1e-9)
    }

    /// Space: area against the appropriate area (3 persons: 75 m²), capped at 1.
    @Test(arguments: [(60.0, 0.8), (75.0, 1.0), (90.0, 1.0), (37.5, 0.5)])
    func space(area: Double, expected: Double) throws {
        let e = try engine.explain(household: household(), listing: flat(area: area), landlordOpenness: nil, on: day)
        #expect(abs(component(e, "space") - expected) < 1e-9)
    }

    /// Plön to Preetz: 12.360 km straight, × 1.3 = 16.068 km by road, beyond the bike's 8 km: by bus
    /// 16.068 / 28 × 60 + 12 = 46.43 min; score (75 − 46.43) / (75 − 15) = 0.4762.
    @Test func commuteFromAStraightLineEstimate() throws {
        let job = Anchor(householdID: 1, kind: .job, label: "Job in Plön", address: Address(), coordinate: plönPoint, daysPerWeek: 5)
        let e = try engine.explain(household: household(anchors: [job]), listing: flat(), landlordOpenness: nil, on: day)
        let trip = try #require(e.trips.first)
        #expect(trip.estimate.mode == .bus)
        #expect(trip.estimate.estimated)
        #expect(abs(trip.estimate.minutes - 46.43) < 0.01)
        #expect(abs(component(e, "commute") - 0.4762) < 0.0001)
    }

    /// Anchors are weighted by days per week: a 5-day anchor next door (1.0) and a 1-day anchor in
    /// Plön (0.4762) give (5 × 1 + 1 × 0.4762) / 6 = 0.9127.
    @Test func commuteWeightsAnchorsByDays() throws {
        let near = Anchor(householdID: 1, kind: .school, label: "School", address: Address(), coordinate: preetzPoint, daysPerWeek: 5)
        let far = Anchor(householdID: 1, kind: .languageCourse, label: "Course", address: Address(), coordinate: plönPoint, daysPerWeek: 1)
        let e = try engine.explain(household: household(anchors: [near, far]), listing: flat(), landlordOpenness: nil, on: day)
        #expect(abs(component(e, "commute") - 0.9127) < 0.0001)
    }

    @Test func landlordPreferenceAndMarket() throws {
        let e = try engine.explain(household: household(preferred: [preetz]), listing: flat(landlord: 2, firstSeen: day.adding(days: -15)),
            landlordOpenness: .open, on: day)
        #expect(component(e, "landlord") == 1)
        #expect(component(e, "preferred-municipality") == 1)
        #expect(abs(component(e, "time-on-market") - 0.75) < 1e-9)
        let other = try engine.explain(household: household(preferred: [MunicipalityKey("01057057")!]), listing: flat(), landlordOpenness: nil, on: day)
        #expect(component(other, "preferred-municipality") == 0)
        #expect(component(other, "landlord") == 0.5)
    }

    @Test func scoreIsTheSumOfWeightedComponentsAndNamesItsRules() throws {
        let e = try engine.explain(household: household(), listing: flat(), landlordOpenness: nil, on: day)
        #expect(abs(e.score - e.components.reduce(0) { $0 + $1.value * $1.weight }) < 1e-12)
        #expect(abs(e.components.reduce(0) { $0 + $1.weight } - 1) < 1e-12)
        #expect(e.rulesVersion.hasPrefix("cost limits valid from 2020-01-01"))
        #expect(e.weightsVersion.contains("Rules/matching.yaml"))
        #expect(e.cost?.verdict == .appropriate)
    }

    /// Urgency: waiting 73 of 365 days is 0.2; a deadline 75 days away, between 30 and 120, is 0.5.
    @Test func urgencyTakesTheLargerOfWaitingAndDeadline() {
        let h = Household(referenceCode: "U", deadline: day.adding(days: 75), openedOn: day.adding(days: -73))
        #expect(abs(engine.urgency(h, on: day).0 - 0.5) < 1e-9)
        let waited = Household(referenceCode: "W", openedOn: day.adding(days: -73))
        #expect(abs(engine.urgency(waited, on: day).0 - 0.2) < 1e-9)
    }
}

@Suite struct EngineRunTests {
    let engine = MatchingEngine(book: repoBook)

    @Test func sameFlatGoesToTheMoreUrgentHouseholdAndTheOtherGetsTheNextBest() throws {
        var urgent = household()
        urgent.household.id = 1
        urgent.household.deadline = day.adding(days: 10)
        var relaxed = household()
        relaxed.household.id = 2
        relaxed.household.referenceCode = "T-2"
        let best = flat(id: 1, gross: 45_000)
        let second = flat(id: 2, gross: 56_000)
        let outcome = try engine.run(households: [relaxed, urgent], listings: [best, second], landlords: [:], on: day)
        #expect(outcome.results[1].assigned == 0, "the household near its deadline gets the best flat")
        #expect(outcome.results[0].assigned == 1)
        #expect(outcome.results[0].top.map(\.listing) == [0, 1], "both still see both flats, best first")
        #expect(outcome.feasiblePairs == 4)
    }

    @Test func onlyPairsInTheCostBandAreConsideredAndRunsAreDeterministic() throws {
        let profiles = (0..<6).map { i -> HouseholdProfile in
            var p = household(size: 1 + i % 4)
            p.household.id = Household.ID(Int64(i + 1))
            p.household.referenceCode = "H-\(i)"
            return p
        }
        var listings: [Listing] = []
        for i in 0..<40 {
            let gross: Int64 = 30_000 + Int64(i) * 1_000
            let area: Double = 30 + Double(i)
            let rooms: Double = Double(1 + i % 4)
            listings.append(flat(id: Int64(i + 1), gross: gross, area: area, rooms: rooms))
        }
        let a = try engine.run(households: profiles, listings: listings, landlords: [:], on: day)
        let b = try engine.run(households: profiles, listings: listings, landlords: [:], on: day)
        let assignedA: [Int?] = a.results.map { $0.assigned }
        let assignedB: [Int?] = b.results.map { $0.assigned }
        #expect(assignedA == assignedB)
        let topA: [[Int]] = a.results.map { $0.top.map { $0.listing } }
        let topB: [[Int]] = b.results.map { $0.top.map { $0.listing } }
        #expect(topA == topB)
        // 1 person in Preetz: limit 400.00 € → listings 300…400 € (11) are in the band.
        #expect(a.pairsConsidered < profiles.count * listings.count)
        let assigned: [Int] = a.results.compactMap { $0.assigned }
        #expect(Set(assigned).count == assigned.count, "one household per flat")
    }
}

@Suite struct ParallelMapTests {
    struct Boom: Error {}

    @Test func keepsOrderAndRethrows() throws {
        let input = Array(0..<10_000)
        #expect(try input.parallelMap { $0 * 2 } == input.map { $0 * 2 })
        #expect(try [Int]().parallelMap { $0 }.isEmpty)
        #expect(throws: Boom.self) { _ = try input.parallelMap { i -> Int in if i == 7_777 { throw Boom() }; return i } }
    }

    @Test func orderedBatchesComeInOrderAndStopAtTheFirstError() throws {
        let batches = OrderedBatches(count: 50) { i in (0..<100).map { i * 100 + $0 } }
        var all: [Int] = []
        while let batch = try batches.next() { all += batch }
        #expect(all == Array(0..<5_000))
        #expect(try batches.next() == nil)

        let failing = OrderedBatches(count: 10) { i -> Int in
            if i == 3 { throw Boom() }
            return i
        }
        #expect(try failing.next() == 0)
        #expect(try failing.next() == 1)
        #expect(try failing.next() == 2)
        #expect(throws: Boom.self) { _ = try failing.next() }

        // A consumer that stops early cancels; nothing is left waiting.
        let abandoned = OrderedBatches(count: 1_000, ahead: 1) { $0 }
        #expect(try abandoned.next() == 0)
        abandoned.cancel()
    }
}
