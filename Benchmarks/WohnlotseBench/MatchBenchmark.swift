import Foundation
import HousingDomain
import HousingStore
import Matching
import RuleBook
import WohnlotseCommands

/// District scale: N households (1–4 anchors each) × M active listings in a real SQLite file,
/// end to end: load from SQLite, filter, score, top-k, assignment, explanations, store.
///
/// `swift run -c release WohnlotseBench match [--households 2000] [--listings 20000] [--seed 1]`
enum MatchBenchmark {
    static func run(_ arguments: [String]) throws {
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
            return v
        }
        let householdCount = option("--households", 2000)
        let listingCount = option("--listings", 20000)
        var rng = BenchRandom(seed: UInt64(option("--seed", 1)))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let book = try RuleBook.load(directory: root.appendingPathComponent("Rules"))
        let date = CalendarDate(year: 2026, month: 3, day: 1) ?? CalendarDate(dayNumber: 0)
        let places = book.gazetteer.entries.filter { $0.isInKreisPloen }
        let anchorPlaces = book.gazetteer.entries

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wohnlotse-match-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try AppDatabase.open(path: directory.appendingPathComponent("bench.sqlite").path, create: true)
        try db.bootstrap(adminName: "admin")
        let admin = try db.actor(named: "admin", command: "bench")

        // Generate: listings priced around the limits, households of 1–7 persons with 1–4 anchors.
        let setupStart = Date()
        try db.writer.write { sql in
            let listing = try sql.makeStatement(sql: """
                INSERT INTO listing (source, externalId, postalCode, place, municipality, latitude, longitude, rooms, livingArea, floor, lift, stepFree,
                    netColdRentCents, operatingCostsCents, heatingCostsCents, heatingIncluded, heatingType, wbsRequired, petsAllowed, firstSeen, lastSeen, status)
                VALUES ('bench', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'gas', ?, ?, ?, ?, 'active')
                """)
            for i in 0..<listingCount {
                let p = places[rng.int(places.count)]
                let rooms = Double(1 + rng.int(5))
                let area = 25 + rooms * 15 + Double(rng.int(20))
                let net = Int64(area * Double(550 + rng.int(450)))
                let operating = Int64(area * Double(150 + rng.int(100)))
                try listing.execute(arguments: [
                    "B-\(i)", p.postalCode.rawValue, p.place, p.municipality.rawValue,
                    p.coordinate.latitude + Double(rng.int(200) - 100) / 20_000, p.coordinate.longitude + Double(rng.int(200) - 100) / 20_000,
                    rooms, area, rng.int(5), rng.int(4) == 0, rng.int(6) == 0, net, operating, Int64(area * 120),
                    rng.int(12) == 0, rng.int(3) == 0 ? true : nil, date.adding(days: -rng.int(60)).iso, date.iso,
                ])
            }
        }
        for h in 0..<householdCount {
            let size = [1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7][rng.int(11)]
            var household = Household(referenceCode: "B-\(h)", benefitType: .sgb2, stage: .searching, openedOn: date.adding(days: -rng.int(400)))
            household.deadline = rng.int(3) == 0 ? date.adding(days: rng.int(180)) : nil
            household.needs = Needs(stepFree: rng.int(25) == 0, groundFloorOrLift: rng.int(15) == 0, pets: rng.int(10) == 0)
            household.residenceObligation = rng.int(10) == 0 ? .district("01057") : .none
            _ = try db.createHousehold(household, coachName: nil, by: admin)
            for m in 0..<size {
                let born = CalendarDate(year: m < 2 ? 1970 + rng.int(30) : 2008 + rng.int(17), month: 1 + rng.int(12), day: 1 + rng.int(28)) ?? date
                _ = try db.addMember(Member(householdID: 0, givenName: "G\(m)", familyName: "F\(h)", birthDate: born, role: m == 0 ? .applicant : .child),
                    toHousehold: "B-\(h)", today: date, by: admin)
            }
            for a in 0..<(1 + rng.int(4)) {
                let p = anchorPlaces[rng.int(anchorPlaces.count)]
                _ = try db.addAnchor(Anchor(householdID: 0, kind: [.job, .training, .languageCourse, .school][a % 4], label: "A\(a)",
                    address: Address(postalCode: p.postalCode, place: p.place), coordinate: p.coordinate, daysPerWeek: 1 + rng.int(5)),
                    toHousehold: "B-\(h)", by: admin)
            }
        }
        print("setup: \(householdCount) households, \(listingCount) listings written in \(format(Date().timeIntervalSince(setupStart))) s")

        // The measured job.
        let clock = ContinuousClock()
        let t0 = clock.now
        let input = try db.matchingInput(on: date, by: admin)
        let t1 = clock.now
        let engine = MatchingEngine(book: book)
        let outcome = try engine.run(households: input.households, listings: input.listings, landlords: input.landlordOpenness, on: date)
        let t2 = clock.now
        let suggestions = try outcome.suggestions(input: input).parallelMap { try $0.build(engine: engine, on: date) }
        let t3 = clock.now
        _ = try db.saveMatchRun(date: date, startedAt: Date().formatted(.iso8601), parameters: "{}", households: input.households.count,
            listings: input.listings.count, pairsConsidered: outcome.pairsConsidered, feasiblePairs: outcome.feasiblePairs, milliseconds: 0,
            suggestions: suggestions, by: admin)
        let t4 = clock.now
        func s(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let scoringRate = Double(outcome.pairsConsidered) / max(outcome.seconds.scoring, 1e-9)
        print("load from SQLite:        \(format(s(t1 - t0))) s (\(input.households.count) households, \(input.listings.count) listings)")
        print("filter + score + top-k:  \(format(outcome.seconds.scoring)) s (\(outcome.pairsConsidered) pairs in cost bands of \(householdCount * listingCount) possible, \(outcome.feasiblePairs) feasible)")
        print("scoring throughput:      \(format(scoringRate / 1e6)) million pairs/s (pairs in cost bands / scoring time)")
        print("assignment:              \(format(outcome.seconds.assignment)) s (\(outcome.assignedCount) flats assigned)")
        print("explanations (\(suggestions.count)):   \(format(s(t3 - t2))) s")
        print("store run:               \(format(s(t4 - t3))) s")
        print("end to end:              \(format(s(t4 - t0))) s (goal: under 1 s)")
        if let peak = AssignmentBenchmark.peakResidentMiB() { print("peak RSS:                \(format(peak)) MiB") }
    }

    static func format(_ v: Double) -> String { String(format: "%.3f", v) }
}

extension BenchRandom {
    /// A whole number in 0..<bound.
    mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }
}
