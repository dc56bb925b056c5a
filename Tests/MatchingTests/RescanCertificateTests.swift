import HousingDomain
import Testing

@testable import Matching

/// What a rescan certificate lets the next rescan skip (`CandidateAssignment.Certificates`,
/// `RescanCollector`): a household certified in round r has no pair outside the table beating
/// `c + p_r`, so with its potential risen by `x` since, only flats whose price fell by more than `x`
/// since round r can hold a pair that beats the current duals. Those (and, without a certificate,
/// all) are scored; the others are not, and neither is a block without such a flat.
struct RescanCertificateTests {
    @Test func aCertifiedHouseholdIsRescannedOnlyOnFlatsWhosePriceFellMoreThanItsPotentialRose() throws {
        var engine = MatchingEngine(book: repoBook, rules: repoBook.matching)
        engine.blockCapacity = 4
        let market = RandomMarket(seed: 91, households: 2, listings: 80)
        let blocks = ListingBlocks(listings: market.listings, landlords: market.landlords, engine: engine, context: try engine.ruleContext(on: day))
        #expect(blocks.blocks.count > 4)
        // Prices at two rounds and now, different per listing and round.
        let count = market.listings.count
        let round0 = (0..<count).map { Int64(($0 * 37) % 11) * 1_000 }
        let round1 = (0..<count).map { Int64(($0 * 53) % 13) * 1_000 }
        let now = (0..<count).map { Int64(($0 * 29) % 7) * 1_000 }
        var certificates = CandidateAssignment.Certificates(households: 3)
        certificates.rounds = [round0, round1]
        let drops = certificates.drops(since: blocks, prices: now)
        // Household 0 certified in round 1 and its potential rose by 4,000 since; household 1 certified
        // in round 0 and risen by 2,000; household 2 without a certificate.
        let risen: [Int64] = [4_000, 2_000, .min]
        let rounds: [Int32] = [1, 0, -1]
        let collector = RescanCollector(
            weigher: engine.weigher, urgency: Column(repeating: 0, count: 3), slot: Column([0, 1, 2]), potential: Column(repeating: 0, count: 3),
            minimum: Column(repeating: 0, count: 3), price: Column(now), risen: Column(risen), round: Column(rounds),
            drops: drops.perBlock, blockCount: blocks.blocks.count, slotDrops: drops.perSlot,
            slotCount: blocks.listing.count, keep: 2, deep: 2)
        var wanted = [0, 0, 0]
        for (b, block) in blocks.blocks.enumerated() {
            var blockWanted = [false, false]
            for s in block.start..<block.end {
                let l = Int(blocks.listing[s])
                let fell = [round1[l] - now[l], round0[l] - now[l]]
                for h in 0..<2 {
                    #expect(collector.wants(h, slot: s) == (fell[h] > risen[h]), "household \(h), listing \(l)")
                    if fell[h] > risen[h] { blockWanted[h] = true; wanted[h] += 1 }
                }
                #expect(collector.wants(2, slot: s))
                wanted[2] += 1
            }
            for h in 0..<2 { #expect(collector.ignores(h, block: b) == !blockWanted[h], "household \(h), block \(b)") }
            #expect(!collector.ignores(2, block: b))
        }
        // Each household is spared some flats and rescanned on others.
        for h in 0..<2 { #expect(wanted[h] > 0 && wanted[h] < wanted[2], "household \(h): \(wanted[h]) of \(wanted[2]) flats") }
    }
}
