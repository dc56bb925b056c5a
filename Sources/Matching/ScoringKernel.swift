import Dispatch
import Foundation
import HousingDomain
import RuleBook
import Synchronization

/// A fixed-size array the kernel reads through a raw pointer: no bounds or copy-on-write checks in
/// the hot loop. Filled once, then only read (from several threads).
final class Column<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ values: [Element]) {
        count = values.count
        base = .allocate(capacity: Swift.max(1, values.count))
        values.withUnsafeBufferPointer { source in
            if let address = source.baseAddress { base.initialize(from: address, count: count) }
        }
    }

    init(repeating value: Element, count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(1, count))
        base.initialize(repeating: value, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always) subscript(i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }
}

/// The offerable listings of a run as flat columns, grouped into blocks: one municipality and one
/// whole number of rooms per block, sorted by Bruttokaltmiete (then input order) and cut into blocks
/// of at most `capacity` listings. A household's cost band is then a prefix of each block (found by
/// binary search), and a block it cannot live in (the Wohnsitzauflage or its exclusions rule the
/// municipality out, or the block has too few rooms or m² for it) is skipped as a whole.
/// Listings that can never pass (not offerable, landlord declined, no KdU region) are left out.
struct ListingBlocks: Sendable {
    struct Block: Sendable {
        var start: Int
        var end: Int
        var place: Int
        var region: Int
        /// The largest rooms and living area in the block (a necessary condition for any pair in it).
        var maxRooms: Double
        var maxArea: Double
        /// The largest landlord and time-on-market values in the block (for score bounds).
        var maxLandlord = 0.0
        var maxMarket = 0.0
    }

    /// Listings per block at most: small enough that a block's columns and its commute scores stay
    /// in the core's cache while every household visits it.
    static let defaultCapacity = 1024
    let capacity: Int

    /// Bits of `flags`: what a listing offers, matched against what a household requires.
    enum Flag {
        static let stepFree: UInt8 = 1
        static let groundFloorOrLift: UInt8 = 2
        static let petsNotRefused: UInt8 = 4
        static let noWBS: UInt8 = 8
    }

    var blocks: [Block] = []
    /// Municipality of each place index.
    var municipalities: [MunicipalityKey] = []
    /// Per region, the Bruttokaltmiete of all its kept listings, ascending (to count cost-band pairs).
    var regionGross: [[Int64]]

    // One entry per kept listing, in block order.
    let listing: Column<Int32>
    let gross: Column<Int64>
    let area: Column<Double>
    let rooms: Column<Double>
    let flags: Column<UInt8>
    /// Rooms when a WBS is required, −∞ otherwise (compared with the rooms the household's WBS allows).
    let wbsRooms: Column<Double>
    /// −∞ (Int.min) with a lift; otherwise the floor, Int.max when unknown (compared with a maximum floor).
    let floorNoLift: Column<Int>
    /// Day number of the availability date, Int.min when available now.
    let availableDay: Column<Int>
    let landlord: Column<Double>
    let market: Column<Double>
    let coordinate: Column<Coordinate?>

    var count: Int { listing.count }

    init(listings: [Listing], landlords: [Landlord.ID: Landlord.Openness], engine: MatchingEngine, context: MatchingEngine.RuleContext) {
        capacity = max(1, engine.blockCapacity)
        struct Entry {
            var index: Int32
            var place: Int32
            var rooms: Int32
            var gross: Int64
        }
        var entries: [Entry] = []
        var placeIndex: [MunicipalityKey: Int32] = [:]
        var placeRegion: [Int] = []
        var regionGross = [[Int64]](repeating: [], count: context.table.regions.count)
        for (i, l) in listings.enumerated() {
            guard l.status == .active, l.duplicateOf == nil, let m = l.municipality, let region = context.regionOf[m],
                l.landlordID.flatMap({ landlords[$0] }) != .declined
            else { continue }
            let place: Int32
            if let known = placeIndex[m] {
                place = known
            } else {
                place = Int32(municipalities.count)
                placeIndex[m] = place
                municipalities.append(m)
                placeRegion.append(region)
            }
            let rooms: Int32 = l.rooms >= 0 && l.rooms < 16 ? Int32(l.rooms) : 16
            entries.append(Entry(index: Int32(i), place: place, rooms: rooms, gross: l.grossColdRent.cents))
            regionGross[region].append(l.grossColdRent.cents)
        }
        for r in regionGross.indices { regionGross[r].sort() }
        self.regionGross = regionGross
        entries.sort { ($0.place, $0.rooms, $0.gross, $0.index) < ($1.place, $1.rooms, $1.gross, $1.index) }

        var listing: [Int32] = [], gross: [Int64] = [], area: [Double] = [], rooms: [Double] = [], flags: [UInt8] = []
        var wbsRooms: [Double] = [], floorNoLift: [Int] = [], availableDay: [Int] = [], landlord: [Double] = [], market: [Double] = []
        var coordinate: [Coordinate?] = []
        let n = entries.count
        listing.reserveCapacity(n)
        gross.reserveCapacity(n)
        area.reserveCapacity(n)
        rooms.reserveCapacity(n)
        flags.reserveCapacity(n)
        wbsRooms.reserveCapacity(n)
        floorNoLift.reserveCapacity(n)
        availableDay.reserveCapacity(n)
        landlord.reserveCapacity(n)
        market.reserveCapacity(n)
        coordinate.reserveCapacity(n)
        var blocks: [Block] = []
        for (slot, e) in entries.enumerated() {
            let l = listings[Int(e.index)]
            if let last = blocks.last, entries[slot - 1].place == e.place, entries[slot - 1].rooms == e.rooms,
                last.end - last.start < capacity {
                blocks[blocks.count - 1].end += 1
            } else {
                blocks.append(Block(start: slot, end: slot + 1, place: Int(e.place), region: placeRegion[Int(e.place)], maxRooms: -.infinity, maxArea: -.infinity))
            }
            if l.rooms > blocks[blocks.count - 1].maxRooms { blocks[blocks.count - 1].maxRooms = l.rooms }
            if l.livingArea > blocks[blocks.count - 1].maxArea { blocks[blocks.count - 1].maxArea = l.livingArea }
            let openness = l.landlordID.flatMap { landlords[$0] }
            var f: UInt8 = 0
            if l.stepFree == true { f |= Flag.stepFree }
            if l.floor == 0 || l.lift == true { f |= Flag.groundFloorOrLift }
            if l.petsAllowed != false { f |= Flag.petsNotRefused }
            if !l.wbsRequired { f |= Flag.noWBS }
            listing.append(e.index)
            gross.append(e.gross)
            area.append(l.livingArea)
            rooms.append(l.rooms)
            flags.append(f)
            wbsRooms.append(l.wbsRequired ? l.rooms : -.infinity)
            floorNoLift.append(l.lift == true ? Int.min : (l.floor ?? Int.max))
            availableDay.append(l.availableFrom?.dayNumber ?? Int.min)
            landlord.append(engine.landlordValue(openness))
            market.append(engine.marketValue(ageDays: max(0, l.firstSeen.days(until: context.date))))
            blocks[blocks.count - 1].maxLandlord = max(blocks[blocks.count - 1].maxLandlord, landlord[slot])
            blocks[blocks.count - 1].maxMarket = max(blocks[blocks.count - 1].maxMarket, market[slot])
            coordinate.append(l.coordinate)
        }
        self.blocks = blocks
        self.listing = Column(listing)
        self.gross = Column(gross)
        self.area = Column(area)
        self.rooms = Column(rooms)
        self.flags = Column(flags)
        self.wbsRooms = Column(wbsRooms)
        self.floorNoLift = Column(floorNoLift)
        self.availableDay = Column(availableDay)
        self.landlord = Column(landlord)
        self.market = Column(market)
        self.coordinate = Column(coordinate)
    }
}

/// What the kernel needs of each planned household, as flat columns indexed by the household's
/// position in `active` (its index in the run's input is `active[a]`).
struct HouseholdThresholds: Sendable {
    /// Households with members, by input index.
    let active: [Int32]
    let regionCount: Int
    let placeCount: Int
    let minArea: Column<Double>
    let minRooms: Column<Double>
    /// The `ListingBlocks.Flag`s a listing must have.
    let required: Column<UInt8>
    let maxWbsRooms: Column<Double>
    let maxFloor: Column<Int>
    let deadlineDay: Column<Int>
    /// Per household × region: the limit in cents, and the highest Bruttokaltmiete within limit and
    /// tolerance (Int64.min when the household has no limit there: no cost band).
    let limit: Column<Int64>
    let maxGross: Column<Int64>
    let appropriateArea: Column<Double>
    /// Per household × place: the household may live there; its preferred-municipality value there.
    let allowed: Column<Bool>
    let preferred: Column<Double>
    /// Anchors of household `a`: `anchorStart[a] ..< anchorStart[a + 1]`.
    let anchorStart: Column<Int>
    let anchorPoint: Column<Int32>
    let anchorDays: Column<Double>
    let anchorDaysTotal: Column<Double>
    let urgency: Column<Double>
    /// Distinct anchor locations; those used by at least `sharedPointUses` anchors get a row in each
    /// worker's per-block commute cache (`cacheRow`), the rest are computed per pair.
    let points: [Coordinate]
    let cacheRow: Column<Int32>
    let cachedPoints: [Int32]
    /// The most anchors any household has.
    let maxAnchors: Int

    /// A location shared by this many anchors is worth one commute score per listing of a block.
    static let sharedPointUses = 4

    init(plans: [MatchingEngine.Plan?], blocks: ListingBlocks, engine: MatchingEngine, context: MatchingEngine.RuleContext) {
        var active: [Int32] = []
        for (i, p) in plans.enumerated() where p != nil { active.append(Int32(i)) }
        let regionCount = context.table.regions.count
        let placeCount = blocks.municipalities.count
        self.active = active
        self.regionCount = regionCount
        self.placeCount = placeCount
        let tolerance = Int64(engine.rules.costTolerancePercent)
        var minArea: [Double] = [], minRooms: [Double] = [], required: [UInt8] = [], maxWbsRooms: [Double] = []
        var maxFloor: [Int] = [], deadlineDay: [Int] = [], limit: [Int64] = [], maxGross: [Int64] = [], appropriate: [Double] = []
        var allowed: [Bool] = [], preferred: [Double] = [], anchorStart: [Int] = [0], anchorPoint: [Int32] = [], anchorDays: [Double] = []
        var anchorDaysTotal: [Double] = [], urgency: [Double] = []
        var points: [Coordinate] = []
        var pointIndex: [Coordinate: Int32] = [:]
        var uses: [Int] = []
        for i in active {
            guard let p = plans[Int(i)] else { continue }
            minArea.append(p.minArea)
            minRooms.append(p.minRooms)
            var r: UInt8 = 0
            if p.needs.stepFree { r |= ListingBlocks.Flag.stepFree }
            if p.needs.groundFloorOrLift { r |= ListingBlocks.Flag.groundFloorOrLift }
            if p.needs.pets { r |= ListingBlocks.Flag.petsNotRefused }
            if !p.needs.wbsHeld { r |= ListingBlocks.Flag.noWBS }
            required.append(r)
            maxWbsRooms.append(p.needs.wbsHeld ? (p.needs.wbsRooms.map(Double.init) ?? .infinity) : .infinity)
            maxFloor.append(p.needs.maxFloor ?? Int.max)
            deadlineDay.append(p.deadline?.dayNumber ?? Int.max)
            for region in 0..<regionCount {
                if let l = p.limits[region] {
                    let bound = l * (100 + tolerance)
                    limit.append(l)
                    maxGross.append(bound >= 0 ? bound / 100 : -((-bound + 99) / 100))
                } else {
                    limit.append(0)
                    maxGross.append(Int64.min)
                }
            }
            appropriate.append(p.appropriateArea)
            for m in blocks.municipalities {
                allowed.append(p.allows(m))
                preferred.append(p.preferred.isEmpty ? 0.5 : (p.preferred.contains(m) ? 1 : 0))
            }
            for a in p.anchors {
                let point: Int32
                if let known = pointIndex[a.coordinate] {
                    point = known
                } else {
                    point = Int32(points.count)
                    pointIndex[a.coordinate] = point
                    points.append(a.coordinate)
                    uses.append(0)
                }
                uses[Int(point)] += 1
                anchorPoint.append(point)
                anchorDays.append(Double(a.days))
            }
            anchorStart.append(anchorPoint.count)
            anchorDaysTotal.append(p.anchorDays)
            urgency.append(p.urgency)
        }
        var cacheRow = [Int32](repeating: -1, count: points.count)
        var cachedPoints: [Int32] = []
        for (point, n) in uses.enumerated() where n >= Self.sharedPointUses {
            cacheRow[point] = Int32(cachedPoints.count)
            cachedPoints.append(Int32(point))
        }
        self.minArea = Column(minArea)
        self.minRooms = Column(minRooms)
        self.required = Column(required)
        self.maxWbsRooms = Column(maxWbsRooms)
        self.maxFloor = Column(maxFloor)
        self.deadlineDay = Column(deadlineDay)
        self.limit = Column(limit)
        self.maxGross = Column(maxGross)
        self.appropriateArea = Column(appropriate)
        self.allowed = Column(allowed)
        self.preferred = Column(preferred)
        self.anchorStart = Column(anchorStart)
        self.anchorPoint = Column(anchorPoint)
        self.anchorDays = Column(anchorDays)
        self.anchorDaysTotal = Column(anchorDaysTotal)
        self.urgency = Column(urgency)
        self.points = points
        self.cacheRow = Column(cacheRow)
        maxAnchors = zip(anchorStart.dropFirst(), anchorStart).map { $0 - $1 }.max() ?? 0
        self.cachedPoints = cachedPoints
    }

    /// Household × listing pairs inside the cost bands, counted from the sorted rents per region.
    func pairsInCostBands(_ blocks: ListingBlocks) -> Int {
        var total = 0
        for a in 0..<active.count {
            for r in 0..<regionCount {
                let bound = maxGross[a * regionCount + r]
                guard bound != Int64.min else { continue }
                let rents = blocks.regionGross[r]
                var lo = 0
                var hi = rents.count
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if rents[mid] <= bound { lo = mid + 1 } else { hi = mid }
                }
                total += lo
            }
        }
        return total
    }
}

/// Receives every feasible pair the kernel scores. One instance per worker thread.
protocol CandidateSink: AnyObject, Sendable {
    func offer(_ household: Int, _ score: Double, _ listing: Int32)
    /// Whether the sink wants nothing from a block in which household's scores are at most `bound`.
    func ignores(_ household: Int, below bound: Double) -> Bool
    /// Whether the sink wants nothing from block `block` for the household, whatever its scores
    /// (asked first: it costs less than the bound).
    func ignores(_ household: Int, block: Int) -> Bool
    /// Whether `ignores(_:below:)` can be true for the household now (else the kernel does not
    /// compute the bound: a top-k list that is not full yet takes anything).
    func mayIgnore(_ household: Int) -> Bool
    /// Whether `ignores` can ever be true (else the kernel does not compute bounds for it).
    static var skipsBlocks: Bool { get }
    /// Whether the sink wants the pair of a household and the listing in `slot` (of `ListingBlocks`)
    /// at all: asked before the pair is scored, only when `skipsSlots`.
    func wants(_ household: Int, slot: Int) -> Bool
    static var skipsSlots: Bool { get }
}

extension CandidateSink {
    func ignores(_ household: Int, below bound: Double) -> Bool { false }
    func ignores(_ household: Int, block: Int) -> Bool { false }
    func mayIgnore(_ household: Int) -> Bool { true }
    static var skipsBlocks: Bool { false }
    func wants(_ household: Int, slot: Int) -> Bool { true }
    static var skipsSlots: Bool { false }
}

/// Each household's best `k` pairs seen by one worker: a binary heap per household whose root is
/// the worst kept pair (lower score, then higher listing index), so a pair that cannot enter costs
/// one comparison.
final class TopLists: CandidateSink, @unchecked Sendable {
    let k: Int
    let households: Int
    let scores: Column<Double>
    let listings: Column<Int32>
    let counts: Column<Int32>

    init(k: Int, households: Int) {
        self.k = k
        self.households = households
        scores = Column(repeating: 0, count: k * households)
        listings = Column(repeating: 0, count: k * households)
        counts = Column(repeating: 0, count: households)
    }

    @inline(__always)
    static func worse(_ s1: Double, _ l1: Int32, _ s2: Double, _ l2: Int32) -> Bool { s1 < s2 || (s1 == s2 && l1 > l2) }

    @inline(__always)
    func offer(_ a: Int, _ score: Double, _ listing: Int32) {
        let base = a * k
        let n = Int(counts[a])
        let s = scores.base + base
        let l = listings.base + base
        if n < k {
            var i = n
            while i > 0 {
                let parent = (i - 1) >> 1
                guard Self.worse(score, listing, s[parent], l[parent]) else { break }
                s[i] = s[parent]
                l[i] = l[parent]
                i = parent
            }
            s[i] = score
            l[i] = listing
            counts[a] = Int32(n + 1)
            return
        }
        guard Self.worse(s[0], l[0], score, listing) else { return }
        var i = 0
        while true {
            var child = 2 * i + 1
            guard child < k else { break }
            if child + 1 < k, Self.worse(s[child + 1], l[child + 1], s[child], l[child]) { child += 1 }
            guard Self.worse(s[child], l[child], score, listing) else { break }
            s[i] = s[child]
            l[i] = l[child]
            i = child
        }
        s[i] = score
        l[i] = listing
    }

    /// Household `a`'s kept pairs, unordered.
    func entries(_ a: Int) -> [(score: Double, listing: Int32)] {
        (0..<Int(counts[a])).map { (scores[a * k + $0], listings[a * k + $0]) }
    }

    static var skipsBlocks: Bool { true }

    /// Full, and the worst kept pair scores more than anything in the block can: nothing would enter.
    @inline(__always)
    func ignores(_ a: Int, below bound: Double) -> Bool { k == 0 || (Int(counts[a]) == k && bound < scores[a * k]) }

    @inline(__always)
    func mayIgnore(_ a: Int) -> Bool { Int(counts[a]) == k }
}

/// Each household's best `top.k` pairs, and besides them its best `spare.k` pairs among the flats
/// not marked `popular` (its best flats that few others want: see `CandidateAssignment.spareCandidates`).
final class ReservoirLists: CandidateSink, @unchecked Sendable {
    let top: TopLists
    let spare: TopLists
    /// Per listing (input index): many households rank it among their best.
    let popular: Column<Bool>

    init(k: Int, spare: Int, households: Int, popular: Column<Bool>) {
        top = TopLists(k: k, households: households)
        self.spare = TopLists(k: spare, households: spare > 0 ? households : 0)
        self.popular = popular
    }

    @inline(__always)
    func offer(_ a: Int, _ score: Double, _ listing: Int32) {
        top.offer(a, score, listing)
        if spare.k > 0 && !popular[Int(listing)] { spare.offer(a, score, listing) }
    }

    static var skipsBlocks: Bool { true }

    func ignores(_ a: Int, below bound: Double) -> Bool { top.ignores(a, below: bound) && spare.ignores(a, below: bound) }

    func mayIgnore(_ a: Int) -> Bool { top.mayIgnore(a) && (spare.k == 0 || spare.mayIgnore(a)) }
}

/// A rescan asked for by the assignment's certificate, for some households: the pairs that beat the
/// duals (`weight > u + p`), the best `keep` of each by how much (then lower listing index; a binary
/// heap per household whose root is the worst kept pair) and how many there were, and the best
/// `deep.k` pairs by score among those weighing more than a minimum (a little below `u`), which
/// deepen the household's reservoir.
///
/// A household with a certificate from an earlier rescan (`CandidateAssignment.Certificates`) is
/// scanned only in the blocks where some flat's price fell since by more than the household's `u`
/// rose, and there only such flats are scored: no other pair of it can beat `u + p`. Its `deep` list
/// then holds only what those flats had.
final class RescanCollector: CandidateSink, @unchecked Sendable {
    let weigher: MatchingEngine.Weigher
    let urgency: Column<Double>
    /// Slot of each household (by position in `active`), −1 for households not rescanned.
    let slot: Column<Int32>
    /// Per slot: the household's row potential `u`, and the minimum weight of the pairs in `deep`.
    let potential: Column<Int64>
    let minimum: Column<Int64>
    let deep: TopLists
    /// Per listing (input index): its price `p`.
    let price: Column<Int64>
    /// Per slot: how much `u` rose since the household's certificate, and the certificate's round
    /// (−1: none); per round × block: the most a price in the block fell since that round; per
    /// round × listing slot (of the blocks): how much its price fell since.
    let risen: Column<Int64>
    let round: Column<Int32>
    let drops: Column<Int64>
    let blockCount: Int
    let slotDrops: Column<Int64>
    let slotCount: Int
    let keep: Int
    let gains: Column<Int64>
    let scores: Column<Double>
    let listings: Column<Int32>
    let counts: Column<Int32>
    /// Per slot: pairs beating `u + p` (kept or not).
    let beating: Column<Int32>

    init(
        weigher: MatchingEngine.Weigher, urgency: Column<Double>, slot: Column<Int32>, potential: Column<Int64>, minimum: Column<Int64>,
        price: Column<Int64>, risen: Column<Int64>, round: Column<Int32>, drops: Column<Int64>, blockCount: Int, slotDrops: Column<Int64>,
        slotCount: Int, keep: Int, deep: Int
    ) {
        self.weigher = weigher
        self.urgency = urgency
        self.slot = slot
        self.potential = potential
        self.minimum = minimum
        self.deep = TopLists(k: deep, households: potential.count)
        self.price = price
        self.risen = risen
        self.round = round
        self.drops = drops
        self.blockCount = blockCount
        self.slotDrops = slotDrops
        self.slotCount = slotCount
        self.keep = keep
        gains = Column(repeating: 0, count: keep * potential.count)
        scores = Column(repeating: 0, count: keep * potential.count)
        listings = Column(repeating: 0, count: keep * potential.count)
        counts = Column(repeating: 0, count: potential.count)
        beating = Column(repeating: 0, count: potential.count)
    }

    @inline(__always)
    static func worse(_ g1: Int64, _ l1: Int32, _ g2: Int64, _ l2: Int32) -> Bool { g1 < g2 || (g1 == g2 && l1 > l2) }

    func offer(_ a: Int, _ score: Double, _ listing: Int32) {
        let i = Int(slot[a])
        guard i >= 0 else { return }
        let weight = weigher.weight(score: score, urgency: urgency[a])
        guard weight > minimum[i] else { return }
        deep.offer(i, score, listing)
        let gain = weight - price[Int(listing)] - potential[i]
        guard gain > 0 else { return }
        beating[i] += 1
        let base = i * keep
        let n = Int(counts[i])
        let g = gains.base + base, s = scores.base + base, l = listings.base + base
        var at: Int
        if n < keep {
            at = n
            while at > 0 {
                let parent = (at - 1) >> 1
                guard Self.worse(gain, listing, g[parent], l[parent]) else { break }
                (g[at], s[at], l[at]) = (g[parent], s[parent], l[parent])
                at = parent
            }
            counts[i] = Int32(n + 1)
        } else {
            guard Self.worse(g[0], l[0], gain, listing) else { return }
            at = 0
            while true {
                var child = 2 * at + 1
                guard child < keep else { break }
                if child + 1 < keep, Self.worse(g[child + 1], l[child + 1], g[child], l[child]) { child += 1 }
                guard Self.worse(g[child], l[child], gain, listing) else { break }
                (g[at], s[at], l[at]) = (g[child], s[child], l[child])
                at = child
            }
        }
        (g[at], s[at], l[at]) = (gain, score, listing)
    }

    static var skipsBlocks: Bool { true }

    /// The household's certificate covers block `b`: no price in it fell by more than `u` rose.
    func ignores(_ a: Int, block b: Int) -> Bool {
        let i = Int(slot[a])
        guard i >= 0 else { return true }
        let r = Int(round[i])
        return r >= 0 && drops[r * blockCount + b] <= risen[i]
    }

    static var skipsSlots: Bool { true }

    /// Without a certificate every pair; with one, only pairs on flats whose price fell by more than
    /// `u` rose since (the others cannot beat `u + p`).
    func wants(_ a: Int, slot s: Int) -> Bool {
        let i = Int(slot[a])
        let r = Int(round[i])
        return r < 0 || slotDrops[r * slotCount + s] > risen[i]
    }

    /// The weight grows with the score and prices are never negative: a block whose best score
    /// cannot weigh more than the minimum (≤ `u`) has nothing for either list.
    func ignores(_ a: Int, below bound: Double) -> Bool {
        let i = Int(slot[a])
        return i < 0 || weigher.weight(score: bound, urgency: urgency[a]) <= minimum[i]
    }

    /// Household slot `i`'s kept pairs, unordered.
    func entries(_ i: Int) -> [(gain: Int64, score: Double, listing: Int32)] {
        (0..<Int(counts[i])).map { (gains[i * keep + $0], scores[i * keep + $0], listings[i * keep + $0]) }
    }
}

/// The best pairs of some households among flats nobody has been given (completing an assignment).
final class FreeCollector: CandidateSink, @unchecked Sendable {
    /// Slot in `lists` of each household (by position in `active`), −1 for the others.
    let slot: Column<Int32>
    let taken: Column<Bool>
    let lists: TopLists

    init(slot: Column<Int32>, taken: Column<Bool>, lists: TopLists) {
        self.slot = slot
        self.taken = taken
        self.lists = lists
    }

    func offer(_ a: Int, _ score: Double, _ listing: Int32) {
        let i = Int(slot[a])
        guard i >= 0, !taken[Int(listing)] else { return }
        lists.offer(i, score, listing)
    }

    static var skipsBlocks: Bool { true }

    func ignores(_ a: Int, block: Int) -> Bool { slot[a] < 0 }

    func mayIgnore(_ a: Int) -> Bool { lists.mayIgnore(Int(slot[a])) }

    func ignores(_ a: Int, below bound: Double) -> Bool { lists.ignores(Int(slot[a]), below: bound) }
}

/// The scoring kernel: for every block (workers take blocks in turn, one per core) and every
/// household that may live in it, the pairs of the household's cost band are checked against the
/// remaining hard filters and the feasible ones scored and offered to the worker's sink.
struct ScoringKernel: Sendable {
    let engine: MatchingEngine
    let blocks: ListingBlocks
    let households: HouseholdThresholds
    /// With the straight-line estimator, every location is prepared once (per listing, per anchor
    /// location) instead of per trip; any other estimator is asked per trip.
    let straight: StraightLineEstimator?
    let preparedSlots: Column<StraightLineEstimator.Prepared?>
    let preparedPoints: [StraightLineEstimator.Prepared]
    /// Per cached anchor location × block: the best commute score in the block, NaN until a rescan
    /// needs it (only the worker scanning the block writes it); bounds a household's scores in a block
    /// so that rescans skip blocks with nothing above their threshold.
    let maxTrip: Column<Double>

    init(engine: MatchingEngine, blocks: ListingBlocks, households: HouseholdThresholds) {
        self.engine = engine
        self.blocks = blocks
        self.households = households
        let straight = engine.travel as? StraightLineEstimator
        self.straight = straight
        preparedSlots = Column((0..<blocks.count).map { s in straight.flatMap { e in blocks.coordinate[s].map(e.prepare) } })
        preparedPoints = straight.map { e in households.points.map(e.prepare) } ?? []
        maxTrip = Column(repeating: .nan, count: households.cachedPoints.count * blocks.blocks.count)
    }

    /// The commute score of anchor location `point` for the listing in `slot`: `MatchingEngine.tripValue`.
    @inline(__always)
    func trip(point: Int, slot: Int) -> Double {
        guard let straight else { return engine.tripValue(from: households.points[point], to: blocks.coordinate[slot]) }
        guard let to = preparedSlots[slot] else { return engine.tripScore(engine.rules.commute.maxMinutes) }
        return engine.tripScore(straight.minutes(from: preparedPoints[point], to: to))
    }

    struct Counts {
        /// Pairs evaluated (every hard filter, and the score when they pass).
        var scored = 0
        /// Pairs only filtered, to count the feasible ones: their block's score bound showed that
        /// no score there could matter to the sink (`scan(counting:)`).
        var filtered = 0
        /// Feasible pairs per household (by position in `households.active`).
        var feasible: [Int32]
    }

    /// Runs the kernel for the households `subset` (positions in `households.active`) with one sink
    /// per worker, returning the counts summed over the workers.
    /// With `counting`, the feasible pairs of blocks the sink ignores are still counted (the
    /// filters only, no score); without, such blocks are skipped and the feasible counts are partial.
    func scan<Sink: CandidateSink>(subset: [Int32], sinks: [Sink], counting: Bool = false) -> Counts {
        let workers = sinks.map { Worker(sink: $0, kernel: self, counting: counting) }
        let queue = BlockQueue()
        let subset = Column(subset)
        DispatchQueue.concurrentPerform(iterations: workers.count) { w in
            let worker = workers[w]
            while true {
                let b = queue.next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard b < blocks.blocks.count else { break }
                worker.scan(block: b, subset: subset)
            }
        }
        var counts = Counts(feasible: [Int32](repeating: 0, count: households.active.count))
        for worker in workers {
            counts.scored += worker.scored
            counts.filtered += worker.filtered
            for a in 0..<households.active.count { counts.feasible[a] += worker.feasible[a] }
        }
        return counts
    }

    /// Pairs of a household's cost band in a block from which on the kernel computes the block's
    /// score bound for a sink that may skip it: for fewer, scoring them costs less than the bound
    /// (at district scale, blocks of about 50 listings, bounding every band made the kernel 60 %
    /// slower). A 16th of the block capacity when that is less (tests use blocks of a few listings).
    static func boundedBand(capacity: Int) -> Int { min(64, max(1, capacity / 16)) }

    /// Workers for the machine's cores (at most one per block).
    static var workerCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    final class BlockQueue: Sendable {
        let next = Atomic<Int>(0)
    }

    /// One thread's share: its sink, counts, and its commute scores of the current block.
    final class Worker<Sink: CandidateSink>: @unchecked Sendable {
        let sink: Sink
        let kernel: ScoringKernel
        let counting: Bool
        var scored = 0
        var filtered = 0
        let feasible: Column<Int32>
        /// Commute score per cached anchor location × listing of the block being scanned.
        let trips: Column<Double>
        /// The block each cache row was filled for (−1: none yet).
        let filledFor: Column<Int>
        /// For the household being scanned, per anchor: where its commute scores for the block's
        /// slots start (indexed by slot), or nil when its location is computed per pair; and its days.
        let anchorTrips: UnsafeMutablePointer<UnsafeMutablePointer<Double>?>
        let anchorDays: UnsafeMutablePointer<Double>
        let anchorPoints: UnsafeMutablePointer<Int>

        init(sink: Sink, kernel: ScoringKernel, counting: Bool) {
            self.sink = sink
            self.kernel = kernel
            self.counting = counting
            feasible = Column(repeating: 0, count: kernel.households.active.count)
            trips = Column(repeating: 0, count: kernel.households.cachedPoints.count * kernel.blocks.capacity)
            filledFor = Column(repeating: -1, count: kernel.households.cachedPoints.count)
            let most = max(1, kernel.households.maxAnchors)
            anchorTrips = .allocate(capacity: most)
            anchorDays = .allocate(capacity: most)
            anchorPoints = .allocate(capacity: most)
        }

        deinit {
            anchorTrips.deallocate()
            anchorDays.deallocate()
            anchorPoints.deallocate()
        }

        func fill(row: Int, block b: Int) {
            let block = kernel.blocks.blocks[b]
            let point = Int(kernel.households.cachedPoints[row])
            let out = trips.base + row * kernel.blocks.capacity
            for s in block.start..<block.end { out[s - block.start] = kernel.trip(point: point, slot: s) }
            filledFor[row] = b
        }

        /// The best commute score of cached location `row` in block `b` (filled and kept on first use).
        func maxTrip(row: Int, block b: Int) -> Double {
            let index = row * kernel.blocks.blocks.count + b
            let known = kernel.maxTrip[index]
            guard known.isNaN else { return known }
            if filledFor[row] != b { fill(row: row, block: b) }
            var best = 0.0
            let out = trips.base + row * kernel.blocks.capacity
            for s in 0..<(kernel.blocks.blocks[b].end - kernel.blocks.blocks[b].start) { best = max(best, out[s]) }
            kernel.maxTrip[index] = best
            return best
        }

        /// An upper bound on household `a`'s score for any listing of block `b` in its cost band, from
        /// the block's best value of each component (each component grows with these, the weights are
        /// not negative, and rounding keeps the order); `limit` is the household's limit in the
        /// block's region. Anchor locations without a cache row count as a full commute score.
        func bound(household a: Int, block b: Int, limit: Int64) -> Double {
            let H = kernel.households
            let engine = kernel.engine
            let block = kernel.blocks.blocks[b]
            let rules = engine.rules
            var commute = rules.commute.noAnchorScore
            let anchorStart = H.anchorStart[a], anchorEnd = H.anchorStart[a + 1]
            if anchorStart < anchorEnd {
                var sum = 0.0
                for j in anchorStart..<anchorEnd {
                    let row = Int(H.cacheRow[Int(H.anchorPoint[j])])
                    sum += H.anchorDays[j] * (row >= 0 ? maxTrip(row: row, block: b) : 1)
                }
                let days = H.anchorDaysTotal[a]
                commute = days > 0 ? sum / days : commute
            }
            let w = engine.normalisedWeights
            let cost = engine.costValue(limit: limit, gross: kernel.blocks.gross[block.start], headroom: rules.fullScoreHeadroomPercent / 100)
            let space = engine.spaceValue(area: block.maxArea, appropriate: H.appropriateArea[a])
            let preferred = H.preferred[a * H.placeCount + block.place]
            return commute * w[0] + cost * w[1] + space * w[2] + block.maxLandlord * w[3] + preferred * w[4] + block.maxMarket * w[5]
        }

        func scan(block b: Int, subset: Column<Int32>) {
            let engine = kernel.engine
            let L = kernel.blocks
            let H = kernel.households
            let block = L.blocks[b]
            let start = block.start
            let capacity = L.capacity
            let regions = H.regionCount
            let places = H.placeCount
            let w = engine.normalisedWeights
            let (w0, w1, w2, w3, w4, w5) = (w[0], w[1], w[2], w[3], w[4], w[5])
            let headroom = engine.rules.fullScoreHeadroomPercent / 100
            let noAnchor = engine.rules.commute.noAnchorScore
            let gross = L.gross.base, area = L.area.base, rooms = L.rooms.base, flags = L.flags.base
            let wbsRooms = L.wbsRooms.base, floorNoLift = L.floorNoLift.base, availableDay = L.availableDay.base
            let landlord = L.landlord.base, market = L.market.base, listing = L.listing.base
            let firstGross = gross[start]
            let boundedBand = ScoringKernel.boundedBand(capacity: capacity)
            var scored = 0
            for position in 0..<subset.count {
                let a = Int(subset[position])
                guard H.allowed[a * places + block.place], block.maxRooms >= H.minRooms[a], block.maxArea >= H.minArea[a] else { continue }
                let bound = H.maxGross[a * regions + block.region]
                guard bound >= firstGross else { continue }
                var lo = start
                var hi = block.end
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if gross[mid] <= bound { lo = mid + 1 } else { hi = mid }
                }
                let end = lo
                let limit = H.limit[a * regions + block.region]
                let minArea = H.minArea[a], minRooms = H.minRooms[a], required = H.required[a]
                let maxWbs = H.maxWbsRooms[a], maxFloor = H.maxFloor[a], deadline = H.deadlineDay[a]
                /// The hard filters the block and cost band leave to check per listing: 1 when all pass.
                /// Every check is made and the results combined, without a branch per check: those
                /// mispredict on these data, and in blocks that are only counted (two thirds of the
                /// pairs at state scale) the loop then has no branch at all. The state-scale kernel
                /// took 15.8–16.6 s with short-circuit checks, 12.0–13.7 s so.
                @inline(__always) func passes(_ s: Int) -> Int {
                    var ok = area[s] >= minArea ? 1 : 0
                    ok &= rooms[s] >= minRooms ? 1 : 0
                    ok &= flags[s] & required == required ? 1 : 0
                    ok &= wbsRooms[s] <= maxWbs ? 1 : 0
                    ok &= floorNoLift[s] <= maxFloor ? 1 : 0
                    ok &= availableDay[s] <= deadline ? 1 : 0
                    return ok
                }
                if Sink.skipsBlocks
                    && (sink.ignores(a, block: b)
                        || (end - start >= boundedBand && sink.mayIgnore(a)
                            && sink.ignores(a, below: self.bound(household: a, block: b, limit: limit))))
                {
                    guard counting else { continue }
                    var feasible = 0
                    for s in start..<end { feasible &+= passes(s) }
                    self.feasible[a] += Int32(feasible)
                    filtered += end - start
                    continue
                }
                scored += end - start
                let appropriate = H.appropriateArea[a]
                let preferred = H.preferred[a * places + block.place]
                let anchorStart = H.anchorStart[a]
                let anchors = H.anchorStart[a + 1] - anchorStart
                let days = H.anchorDaysTotal[a]
                var tripsReady = false
                var feasible: Int32 = 0
                for s in start..<end {
                    guard passes(s) != 0 else { continue }
                    feasible += 1
                    if Sink.skipsSlots && !sink.wants(a, slot: s) { continue }
                    var commute = noAnchor
                    if anchors > 0 {
                        if !tripsReady {
                            for j in 0..<anchors {
                                let point = Int(H.anchorPoint[anchorStart + j])
                                let row = Int(H.cacheRow[point])
                                if row >= 0 && filledFor[row] != b { fill(row: row, block: b) }
                                anchorTrips[j] = row >= 0 ? trips.base + row * capacity - start : nil
                                anchorDays[j] = H.anchorDays[anchorStart + j]
                                anchorPoints[j] = point
                            }
                            tripsReady = true
                        }
                        var sum = 0.0
                        for j in 0..<anchors {
                            let trip = anchorTrips[j]?[s] ?? kernel.trip(point: anchorPoints[j], slot: s)
                            sum += anchorDays[j] * trip
                        }
                        commute = days > 0 ? sum / days : noAnchor
                    }
                    let g = gross[s]
                    let cost = limit > 0 && g <= limit ? min(1, Double(limit - g) / Double(limit) / headroom) : 0
                    let space = appropriate > 0 ? min(1, area[s] / appropriate) : 1
                    let score = commute * w0 + cost * w1 + space * w2 + landlord[s] * w3 + preferred * w4 + market[s] * w5
                    sink.offer(a, score, listing[s])
                }
                self.feasible[a] += feasible
            }
            self.scored += scored
        }
    }
}
