import Foundation
import HousingDomain
@testable import RuleBook
import Testing

@testable import Matching

/// A stored suggestion keeps its explanation's facts, written by hand for speed, and its run keeps the
/// terms they share. Read back (CLI, export, web) they must give exactly the explanation the run made,
/// and the hand-written JSON must be exactly what `JSONEncoder` with sorted keys writes.
@Suite struct ExplanationJSONTests {
    func encoderText<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test(arguments: [11, 12] as [UInt64])
    func storedFactsReadBackAsTheRunsExplanations(seed: UInt64) throws {
        let market = RandomMarket(seed: seed, households: 20, listings: 120)
        let engine = MatchingEngine(book: repoBook)
        let outcome = try engine.run(households: market.households, listings: market.listings, landlords: market.landlords, on: day)
        var texts = TextTable()
        var stored: [(text: String, explanation: MatchExplanation)] = []
        for result in outcome.results {
            for c in result.top {
                let facts = try #require(outcome.explanationFacts(household: result.household, listing: c.listing, texts: &texts))
                let text = try facts.jsonText()
                #expect(text == (try encoderText(facts)))
                #expect(facts.score(engine.rules) == c.score)
                stored.append((text, try #require(outcome.explanation(household: result.household, listing: c.listing))))
            }
        }
        #expect(stored.count > 100)
        // The terms go into the run's row after the last suggestion; every suggestion reads back whole.
        let terms = try encoderText(try #require(outcome.explanationTerms(texts: texts)))
        for s in stored {
            #expect(try MatchExplanation(stored: s.text, terms: terms) == s.explanation)
        }
    }

    /// Every optional field set, strings that need escaping, numbers of every shape: a field added
    /// to the facts later fails here until the writer knows it.
    @Test func sameBytesWithEveryFieldAndAwkwardValues() throws {
        let awkward = "a/b \"q\" back\\slash \u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f} € ü 😀"
        let numbers: [Double] = [0, 1, -0.0, 0.1, 1e21, 1e-7, 1.2345678901234568e20, 0.47619047619047616, 1e16, 100, 1e15, -5, 999_999_999_999_999, -1e14, 1e15 - 0.5, .leastNonzeroMagnitude, 1.5e300]
        let cost = ExplanationFacts.Cost(
            verdict: .notAppropriate, municipalityName: 3, region: 1, tableRow: 5, largerHouseholdRule: true, limit: Money(cents: 80_123),
            netColdRent: Money(cents: 70_000), operatingCosts: Money(cents: -5),
            heating: HeatingJudgement(
                verdict: .aboveThreshold, heatingType: .heatPump, cost: Money(cents: 9_000), thresholdPerSquareMetreYear: Money(cents: 2_200),
                appropriateArea: 105, monthlyThreshold: Money(cents: 19_250), headroom: Money(cents: -1), placeholderFigures: true, reason: awkward),
            combinedCap: CombinedCapJudgement(cap: Money(cents: 99_373), cost: Money(cents: 78_995), headroom: Money(cents: 20_378)),
            notes: [0, 7, 2])
        let facts = ExplanationFacts(
            members: 6, minArea: 60, minRooms: 3, appropriateArea: 105,
            needs: Needs(stepFree: true, groundFloorOrLift: true, maxFloor: 2, pets: true, wbsHeld: true, wbsRooms: 4),
            residence: "district:01057", permitted: false, excluded: true, hasPreferences: true, deadline: day, anchorsRecorded: true,
            anchorsLocated: false, urgency: 1, urgencyDetail: awkward, status: .reserved, duplicateOf: Listing.ID(77), landlord: "declined",
            gross: 69_995, limit: 80_123, inCounty: true, area: 72.25, rooms: 2.5, wbsRequired: true, stepFree: false, floor: -1, lift: true,
            petsAllowed: false, availableFrom: day, availableFromText: awkward, municipality: preetz, ageDays: 400, passed: 0b1010_1010,
            values: numbers,
            trips: [.init(anchor: awkward, kind: .languageCourse, days: 7, minutes: 46.43, mode: .bike, kilometres: 1e-3, estimated: false, method: 4, score: 0)],
            cost: cost)
        #expect(try facts.jsonText() == encoderText(facts))
        var bare = facts
        bare.cost = nil
        bare.trips = []
        bare.needs = Needs()
        (bare.residence, bare.deadline, bare.duplicateOf, bare.landlord, bare.limit) = (nil, nil, nil, nil, nil)
        (bare.stepFree, bare.floor, bare.lift, bare.petsAllowed, bare.availableFrom, bare.availableFromText, bare.municipality) = (nil, nil, nil, nil, nil, nil, nil)
        #expect(try bare.jsonText() == encoderText(bare))
    }

    @Test func aNumberThatIsNotFiniteIsRefusedLikeJSONEncoderDoes() throws {
        let engine = MatchingEngine(book: repoBook)
        let context = try engine.ruleContext(on: day)
        var texts = TextTable()
        var facts = engine.facts(engine.plan(household(), context: context), profile: household(), listing: flat(), openness: nil, context: context, texts: &texts)
        facts.urgency = .nan
        #expect(throws: EncodingError.self) { try facts.jsonText() }
    }

    /// A suggestion whose facts name texts or regions its run does not have, or a run in a format
    /// this version does not know, is refused with a message instead of shown wrong.
    @Test func damagedStoredExplanationsAreRefused() throws {
        let engine = MatchingEngine(book: repoBook)
        let context = try engine.ruleContext(on: day)
        var texts = TextTable()
        let facts = engine.facts(engine.plan(household(), context: context), profile: household(), listing: flat(), openness: nil, context: context, texts: &texts)
        let terms = engine.terms(context, texts: texts.texts)
        #expect(try MatchExplanation(stored: facts.jsonText(), terms: encoderText(terms)) == engine.explain(household: household(), listing: flat(), landlordOpenness: nil, on: day))

        var fewer = terms
        fewer.texts.removeLast()
        #expect(throws: StoredExplanationError.self) { try MatchExplanation(stored: facts.jsonText(), terms: encoderText(fewer)) }
        var noRegions = terms
        noRegions.regions = []
        #expect(throws: StoredExplanationError.self) { try MatchExplanation(stored: facts.jsonText(), terms: encoderText(noRegions)) }
        var later = terms
        later.format = 3
        #expect(throws: StoredExplanationError.self) { try MatchExplanation(stored: facts.jsonText(), terms: encoderText(later)) }
        #expect(throws: DecodingError.self) { try MatchExplanation(stored: "{\"members\": 2}", terms: encoderText(terms)) }
        let stored = try facts.jsonText()
        #expect(throws: StoredExplanationError.self) { try MatchExplanation(stored: stored.dropLast() + ",1]", terms: encoderText(terms)) }
        #expect(throws: DecodingError.self) { try MatchExplanation(stored: String(stored.prefix(40)), terms: encoderText(terms)) }
    }

    /// Runs stored before facts kept the whole explanation in the suggestion and have no terms.
    @Test func explanationsStoredWholeStillRead() throws {
        let e = try MatchingEngine(book: repoBook).explain(household: household(), listing: flat(), landlordOpenness: nil, on: day)
        #expect(try MatchExplanation(stored: encoderText(e), terms: nil) == e)
    }

    /// Explanation texts write numbers through the C library instead of `String(format:)`.
    @Test func fixedPointTextEqualsStringFormat() {
        var rng = SplitMix64(seed: 5)
        var values: [Double] = [0, -0.0, 0.05, 0.25, 0.35, 2.5, 3.5, 52.25, 52.35, 1e20, -7.45, 99.95, .infinity, -.infinity, .nan]
        for _ in 0..<2_000 { values.append(Double(Int.random(in: -100_000...100_000, using: &rng)) / Double([1, 4, 8, 20, 100, 1000][Int.random(in: 0...5, using: &rng)])) }
        for v in values {
            for decimals in 0...3 {
                #expect(NumberText.fixed(v, decimals) == String(format: "%.\(decimals)f", v), "\(v) with \(decimals) decimals")
            }
        }
    }
}
