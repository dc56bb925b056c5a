import Foundation
import HousingDomain
@testable import RuleBook
import Testing

@testable import Matching

/// The stored explanation is read back with `JSONDecoder` (CLI, export, web): the hand-written writer
/// must produce exactly what `JSONEncoder` with sorted keys produced before it.
@Suite struct ExplanationJSONTests {
    func encoderText(_ e: MatchExplanation) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(e), as: UTF8.self)
    }

    @Test(arguments: [11, 12] as [UInt64])
    func sameBytesAsJSONEncoderForARunsExplanations(seed: UInt64) throws {
        let market = RandomMarket(seed: seed, households: 20, listings: 120)
        let engine = MatchingEngine(book: repoBook)
        let outcome = try engine.run(households: market.households, listings: market.listings, landlords: market.landlords, on: day)
        var compared = 0
        for result in outcome.results {
            for c in result.top {
                let e = try #require(outcome.explanation(household: result.household, listing: c.listing))
                #expect(try e.jsonText() == encoderText(e))
                compared += 1
            }
        }
        // Refused pairs too: other checks fail, other texts.
        for (hi, profile) in market.households.enumerated().prefix(5) {
            for listing in market.listings.prefix(30) {
                let e = try engine.explain(household: profile, listing: listing, landlordOpenness: listing.landlordID.flatMap { market.landlords[$0] }, on: day)
                #expect(try e.jsonText() == encoderText(e), "household \(hi)")
                compared += 1
            }
        }
        #expect(compared > 100)
    }

    /// Every optional field set, strings that need escaping, numbers of every shape: a field added
    /// to the explanation types later fails here until the writer knows it.
    @Test func sameBytesWithEveryFieldAndAwkwardValues() throws {
        let awkward = "a/b \"q\" back\\slash \u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f} € ü 😀"
        let judgement = CostJudgement(
            verdict: .notAppropriate, date: day, municipality: preetz, municipalityName: awkward,
            region: .init(id: "II", name: "West"), table: .init(validFrom: day, source: awkward, file: "Rules/x.yaml"),
            row: .init(householdSize: 6, tableRow: 5, largerHouseholdRule: true, appropriateArea: 105), limit: Money(cents: 80_123),
            netColdRent: Money(cents: 70_000), operatingCosts: Money(cents: -5), grossColdRent: Money(cents: 69_995),
            headroom: Money(cents: 10_128), livingArea: 72.25,
            heating: HeatingJudgement(
                verdict: .aboveThreshold, heatingType: .heatPump, cost: Money(cents: 9_000), thresholdPerSquareMetreYear: Money(cents: 2_200),
                appropriateArea: 105, monthlyThreshold: Money(cents: 19_250), headroom: Money(cents: -1), placeholderFigures: true, reason: awkward),
            combinedCap: CombinedCapJudgement(cap: Money(cents: 99_373), cost: Money(cents: 78_995), headroom: Money(cents: 20_378)),
            notes: [awkward, "", "x"])
        let numbers: [Double] = [0, 1, -0.0, 0.1, 1e21, 1e-7, 1.2345678901234568e20, 0.47619047619047616, 1e16, 100, 1e15, .leastNonzeroMagnitude, 1.5e300]
        let e = MatchExplanation(
            date: day, checks: [.init(id: "cost", passed: false, detail: awkward), .init(id: "place", passed: true, detail: "")],
            components: numbers.map { .init(id: awkward, value: $0, weight: -$0, contribution: $0 * 3, detail: awkward) },
            score: 0.3, urgency: 1, priority: 2.0 / 3, urgencyDetail: awkward, cost: judgement, overLimitWithinTolerance: true,
            trips: [.init(anchor: awkward, kind: .languageCourse, daysPerWeek: 7,
                estimate: TravelEstimate(minutes: 46.43, mode: .bike, distanceKilometres: 1e-3, estimated: false, method: awkward), score: 0)],
            rulesVersion: awkward, weightsVersion: "w")
        #expect(try e.jsonText() == encoderText(e))
        var bare = e
        bare.cost = nil
        bare.trips = []
        #expect(try bare.jsonText() == encoderText(bare))
    }

    @Test func aNumberThatIsNotFiniteIsRefusedLikeJSONEncoderDoes() throws {
        var e = try MatchingEngine(book: repoBook).explain(household: household(), listing: flat(), landlordOpenness: nil, on: day)
        e.score = .nan
        #expect(throws: EncodingError.self) { try e.jsonText() }
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
