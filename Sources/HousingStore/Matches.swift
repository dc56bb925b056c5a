import Foundation
import GRDB
import HousingDomain
import Synchronization

/// What the engine needs: cases looking for a flat, offerable listings, landlords' openness.
public struct MatchingInput: Sendable {
    public var households: [HouseholdProfile]
    public var listings: [Listing]
    public var landlordOpenness: [Landlord.ID: Landlord.Openness]
}

/// One suggestion to store: the engine's result with its explanation: the pair's facts as JSON,
/// which the run's explanation terms turn into texts (or, without terms, the whole explanation).
public struct NewSuggestion: Sendable {
    public var householdID: Household.ID
    public var listingID: Listing.ID
    public var rank: Int
    public var score: Double
    public var priority: Double
    public var assigned: Bool
    public var costVerdict: String?
    public var grossColdRent: Money
    public var limit: Money?
    public var explanation: String

    public init(householdID: Household.ID, listingID: Listing.ID, rank: Int, score: Double, priority: Double, assigned: Bool,
                costVerdict: String?, grossColdRent: Money, limit: Money?, explanation: String) {
        self.householdID = householdID
        self.listingID = listingID
        self.rank = rank
        self.score = score
        self.priority = priority
        self.assigned = assigned
        self.costVerdict = costVerdict
        self.grossColdRent = grossColdRent
        self.limit = limit
        self.explanation = explanation
    }
}

/// A stored run.
public struct MatchRunRecord: Codable, Sendable {
    public var id: Int64
    public var startedAt: String
    public var finishedAt: String
    public var date: CalendarDate
    public var actor: String
    public var parameters: String
    public var households: Int
    public var listings: Int
    public var pairsConsidered: Int
    public var feasiblePairs: Int
    public var suggestions: Int
    public var assigned: Int
    public var milliseconds: Int
}

/// A stored suggestion as lists show it.
public struct SuggestionRecord: Codable, Sendable {
    public var id: Int64
    public var runID: Int64
    public var householdID: Household.ID
    public var householdReference: String
    public var listingID: Listing.ID
    public var rank: Int
    public var score: Double
    public var priority: Double
    public var assigned: Bool
    public var state: SuggestionState
    public var stateDate: CalendarDate
    public var costVerdict: String?
    public var grossColdRent: Money
    public var limit: Money?
    /// The stored explanation: with `explanationTerms` (its run's), the pair's facts; without, the
    /// whole explanation (runs stored before facts were kept).
    public var explanation: String
    public var explanationTerms: String?
    public var events: [SuggestionEvent]
}

/// What a job-centre clerk sees of a suggestion in review: enough to decide on the cost, nothing more.
public struct CostDecisionView: Codable, Sendable {
    public var suggestion: SuggestionRecord
    public var householdSize: Int
    public var ages: [Int]
    public var benefitType: BenefitType
    public var listing: Listing
    public var waitingSince: CalendarDate
    /// Zusicherungen the household already holds for other flats (still in force: approved and on
    /// to moved in), so that a clerk does not grant a second one unawares.
    public var otherZusicherungen: [GrantedZusicherung] = []
}

/// A Zusicherung granted for one suggestion: when, and where the suggestion is now.
public struct GrantedZusicherung: Codable, Sendable, Hashable {
    public var suggestionID: Int64
    public var listingID: Int64
    public var grantedOn: CalendarDate
    public var state: SuggestionState
}

extension AppDatabase {
    /// The household's Zusicherungen in force other than for suggestion `id`, oldest first.
    static func otherZusicherungen(household: Household.ID, except id: Int64, _ db: Database) throws -> [GrantedZusicherung] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT s.id, s.listingId, s.state, MAX(e.date) AS grantedOn FROM suggestion s
            JOIN suggestionEvent e ON e.suggestionId = s.id AND e.toState = 'approved'
            WHERE s.householdId = ? AND s.id <> ? AND s.state IN ('approved', 'applied', 'viewing', 'contract-signed', 'moved-in')
            GROUP BY s.id ORDER BY grantedOn, s.id
            """, arguments: [household.rawValue, id])
        return rows.compactMap { row in
            guard let state = SuggestionState(rawValue: row["state"]), let day = CalendarDate(iso: row["grantedOn"]) else { return nil }
            return GrantedZusicherung(suggestionID: row["id"], listingID: row["listingId"], grantedOn: day, state: state)
        }
    }
}

extension AppDatabase {
    /// Loads cases looking for a flat (coaching, searching, viewing) with members and anchors, the
    /// offerable listings and landlords' openness. Each case read is audited.
    ///
    /// The listings and landlords (no personal data) are read on another core, from their own
    /// snapshot, while the households are read and their reads audited: at state scale (500,000
    /// listings, 50,000 households) each side takes seconds.
    public func matchingInput(on date: CalendarDate, by actor: Actor) throws -> MatchingInput {
        // Before anything is read, the listings included.
        try require(actor, .createHousehold, action: "run matching")
        let market = Mutex<Result<([Listing], [Landlord.ID: Landlord.Openness]), any Error>?>(nil)
        let done = DispatchGroup()
        done.enter()
        let writer = self.writer
        DispatchQueue.global().async {
            defer { done.leave() }
            let result = Result {
                try writer.read { db in
                    var openness: [Landlord.ID: Landlord.Openness] = [:]
                    for landlord in try Landlord.fetchAll(db) { if let id = landlord.id { openness[id] = landlord.openness } }
                    return (try Self.offerableListings(db), openness)
                }
            }
            market.withLock { $0 = result }
        }
        let profiles = try write { db in
            var request = Household.filter(Stage.allCases.filter(\.isLookingForFlat).map(\.rawValue).contains(Column("stage")))
            if actor.role == .coach { request = request.visible(toCoach: actor.userID) }
            let households = try request.order(Column("id")).fetchAll(db)
            let ids = households.compactMap(\.id?.rawValue)
            let members = Dictionary(grouping: try Member.filter(ids.contains(Column("householdId"))).order(Column("id")).fetchAll(db), by: \.householdID)
            let anchors = Dictionary(grouping: try Anchor.filter(ids.contains(Column("householdId"))).order(Column("id")).fetchAll(db), by: \.householdID)
            var profiles: [HouseholdProfile] = []
            for h in households {
                guard let id = h.id else { continue }
                profiles.append(HouseholdProfile(household: h, members: members[id] ?? [], anchors: anchors[id] ?? []))
            }
            try Audit.record(db, actor: actor, action: "read", entity: "household", each: profiles.map { ($0.household.id?.rawValue, $0.household.id) }, detail: "matching input")
            return profiles
        }
        // Waited for outside the write: an in-memory database has one connection, so the read runs
        // after the write there.
        done.wait()
        guard let (listings, openness) = try market.withLock({ $0 })?.get() else { throw StoreError.refused("the listings were not read") }
        return MatchingInput(households: profiles, listings: listings, landlordOpenness: openness)
    }

    /// The offerable listings in id order, exactly as `Listing.all().offerable()` decodes them, but
    /// read by column position, with the values that repeat across thousands of listings
    /// (municipality, postal code, dates) parsed once each: at state scale (500,000 listings) parsing
    /// them row by row was most of the loading.
    static func offerableListings(_ db: Database) throws -> [Listing] {
        let columns = ["id"] + Listing.databaseColumns
        func at(_ name: String) -> Int { columns.firstIndex(of: name) ?? 0 }
        let (id, source, externalID, url, title, street, houseNumber, postalCode, place, municipality) = (
            at("id"), at("source"), at("externalId"), at("url"), at("title"), at("street"), at("houseNumber"), at("postalCode"), at("place"),
            at("municipality"))
        let (latitude, longitude, rooms, area, floor, lift, stepFree, net, operating, heating) = (
            at("latitude"), at("longitude"), at("rooms"), at("livingArea"), at("floor"), at("lift"), at("stepFree"), at("netColdRentCents"),
            at("operatingCostsCents"), at("heatingCostsCents"))
        let (heatingIncluded, heatingType, deposit, availableFrom, availableText, wbs, pets, landlord, firstSeen, lastSeen) = (
            at("heatingIncluded"), at("heatingType"), at("depositCents"), at("availableFrom"), at("availableFromText"), at("wbsRequired"),
            at("petsAllowed"), at("landlordId"), at("firstSeen"), at("lastSeen"))
        let (status, duplicate) = (at("status"), at("duplicateOfId"))
        var key = ParsedOnce { MunicipalityKey($0) }
        var code = ParsedOnce { PostalCode($0) }
        var day = ParsedOnce { CalendarDate(iso: $0) }
        var listings: [Listing] = []
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT \(columns.joined(separator: ", ")) FROM listing WHERE status = 'active' AND duplicateOfId IS NULL ORDER BY id")
        while let row = try cursor.next() {
            let lat: Double? = row[latitude]
            let lon: Double? = row[longitude]
            listings.append(Listing(
                id: row[id], source: row[source], externalID: row[externalID], url: row[url], title: row[title],
                address: Address(street: row[street], houseNumber: row[houseNumber], postalCode: code(row[postalCode]), place: row[place]),
                municipality: key(row[municipality]), coordinate: lat.flatMap { lat in lon.flatMap { Coordinate(latitude: lat, longitude: $0) } },
                rooms: row[rooms], livingArea: row[area], floor: row[floor], lift: row[lift], stepFree: row[stepFree],
                netColdRent: Money(cents: row[net]), operatingCosts: Money(cents: row[operating]),
                heatingCosts: (row[heating] as Int64?).map(Money.init(cents:)), heatingIncluded: row[heatingIncluded],
                heatingType: (row[heatingType] as String?).flatMap(HeatingType.init(rawValue:)),
                deposit: (row[deposit] as Int64?).map(Money.init(cents:)), availableFrom: day(row[availableFrom]), availableFromText: row[availableText],
                wbsRequired: row[wbs], petsAllowed: row[pets], landlordID: row[landlord],
                firstSeen: day(row[firstSeen]) ?? row[firstSeen], lastSeen: day(row[lastSeen]) ?? row[lastSeen],
                status: Listing.Status(rawValue: row[status]) ?? .gone, duplicateOf: row[duplicate]))
        }
        return listings
    }

    /// Stores a run and its suggestions in one transaction. Suggestions nobody has acted on are
    /// withdrawn; suggestions in review keep their state, and a pair already in review is not
    /// suggested again.
    public func saveMatchRun(
        date: CalendarDate, startedAt: String, parameters: String, households: Int, listings: Int, pairsConsidered: Int,
        feasiblePairs: Int, milliseconds: Int, suggestions: [NewSuggestion], explanationTerms: String?, by actor: Actor
    ) throws -> MatchRunRecord {
        var pending: [NewSuggestion]? = suggestions
        return try saveMatchRun(
            date: date, startedAt: startedAt, parameters: parameters, households: households, listings: listings,
            pairsConsidered: pairsConsidered, feasiblePairs: feasiblePairs, milliseconds: milliseconds,
            householdIDs: Set(suggestions.map(\.householdID)), next: { defer { pending = nil }; return pending },
            explanationTerms: { explanationTerms }, by: actor)
    }

    /// `saveMatchRun` for suggestions that are still being made while the first are stored: `next`
    /// hands them over batch by batch, in order, and nil at the end; `householdIDs` are the households
    /// the run matched (whose untouched suggestions a coach's run withdraws); `explanationTerms`,
    /// asked for after the last batch, what the run's explanations share (nil: the suggestions hold
    /// whole explanations).
    ///
    /// Set-based: the withdrawals and the `suggested` events are one statement each, and the
    /// suggestions go in as multi-row inserts, so a run of tens of thousands of suggestions costs a
    /// few hundred statements, not two per suggestion.
    public func saveMatchRun(
        date: CalendarDate, startedAt: String, parameters: String, households: Int, listings: Int, pairsConsidered: Int,
        feasiblePairs: Int, milliseconds: Int, householdIDs: Set<Household.ID>, next: () throws -> [NewSuggestion]?,
        explanationTerms: () throws -> String?, by actor: Actor
    ) throws -> MatchRunRecord {
        try write { db in
            try require(actor, .createHousehold, action: "run matching")
            // A state-scale run inserts half a million suggestions; their listingId index takes them in
            // random order and outgrows SQLite's 2 MB default page cache, so pages went back and forth
            // through the WAL (12.1 s → 8.5 s for 534,000 rows with 128 MB). Restored after the run.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -131072")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            let day = date.iso
            // Withdraw untouched suggestions of the households this actor matched (an admin: all).
            var scope = "state = 'suggested'"
            var scopeArguments: StatementArguments = []
            if actor.role != .admin {
                let ids = householdIDs.map(\.rawValue).sorted().map(String.init).joined(separator: ",")
                scope += " AND householdId IN (SELECT value FROM json_each(?))"
                scopeArguments = ["[\(ids)]"]
            }
            try db.execute(
                sql: """
                    INSERT INTO suggestionEvent (suggestionId, fromState, toState, date, actor, note)
                    SELECT id, 'suggested', 'withdrawn', ?, ?, 'replaced by a new run' FROM suggestion WHERE \(scope) ORDER BY id
                    """,
                arguments: [day, actor.name] + scopeArguments)
            try db.execute(sql: "UPDATE suggestion SET state = 'withdrawn', stateDate = ? WHERE \(scope)", arguments: [day] + scopeArguments)

            struct Pair: Hashable {
                var household: Int64
                var listing: Int64
            }
            var inReview = Set<Pair>()
            let open = try Row.fetchCursor(db, sql: "SELECT householdId, listingId FROM suggestion WHERE state NOT IN ('suggested', 'withdrawn')")
            while let row = try open.next() { inReview.insert(Pair(household: row[0], listing: row[1])) }
            try db.execute(sql: """
                INSERT INTO matchRun (startedAt, finishedAt, date, actor, parameters, households, listings, pairsConsidered, feasiblePairs, suggestions, assigned, milliseconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)
                """, arguments: [startedAt, startedAt, day, actor.name, parameters, households, listings, pairsConsidered, feasiblePairs, milliseconds])
            let runID = db.lastInsertedRowID
            var stored = 0
            var assigned = 0
            while let batch = try next() {
                let kept = inReview.isEmpty ? batch : batch.filter { !inReview.contains(Pair(household: $0.householdID.rawValue, listing: $0.listingID.rawValue)) }
                try insertSuggestions(kept, runID: runID, day: day, db)
                stored += kept.count
                assigned += kept.reduce(0) { $0 + ($1.assigned ? 1 : 0) }
            }
            try db.execute(
                sql: "UPDATE matchRun SET finishedAt = ?, suggestions = ?, assigned = ?, explanationTerms = ? WHERE id = ?",
                arguments: [Date().formatted(.iso8601), stored, assigned, try explanationTerms(), runID])
            try db.execute(
                sql: """
                    INSERT INTO suggestionEvent (suggestionId, fromState, toState, date, actor)
                    SELECT id, NULL, 'suggested', ?, ? FROM suggestion WHERE matchRunId = ? ORDER BY id
                    """,
                arguments: [day, actor.name, runID])
            try Audit.record(db, actor: actor, action: "create", entity: "matchRun", entityID: runID,
                detail: "\(households) households, \(listings) listings, \(stored) suggestions")
            guard let run = try fetchRun(runID, db) else { throw StoreError.refused("the run was not stored") }
            return run
        }
    }

    /// Inserts suggestions in state `suggested`, in order, `batch` rows per statement.
    private func insertSuggestions(_ suggestions: [NewSuggestion], runID: Int64, day: String, _ db: Database) throws {
        let batch = 100
        let columns = "(matchRunId, householdId, listingId, rank, score, priority, assigned, state, stateDate, costVerdict, grossColdRentCents, limitCents, explanation)"
        let tuple = "(?, ?, ?, ?, ?, ?, ?, 'suggested', ?, ?, ?, ?, ?)"
        func statement(rows: Int) throws -> Statement {
            try db.cachedStatement(sql: "INSERT INTO suggestion \(columns) VALUES " + Array(repeating: tuple, count: rows).joined(separator: ", "))
        }
        let full = try statement(rows: batch)
        var values: [DatabaseValue] = []
        values.reserveCapacity(batch * 12)
        var start = 0
        while start < suggestions.count {
            let end = min(start + batch, suggestions.count)
            values.removeAll(keepingCapacity: true)
            for s in suggestions[start..<end] {
                values.append(contentsOf: [
                    runID.databaseValue, s.householdID.rawValue.databaseValue, s.listingID.rawValue.databaseValue, s.rank.databaseValue,
                    s.score.databaseValue, s.priority.databaseValue, s.assigned.databaseValue, day.databaseValue, s.costVerdict.databaseValue,
                    s.grossColdRent.cents.databaseValue, s.limit?.cents.databaseValue ?? .null, s.explanation.databaseValue,
                ])
            }
            let insert = end - start == batch ? full : try statement(rows: end - start)
            try insert.execute(arguments: StatementArguments(values))
            start = end
        }
    }

    func fetchRun(_ id: Int64, _ db: Database) throws -> MatchRunRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM matchRun WHERE id = ?", arguments: [id]).map(Self.run)
    }

    static func run(_ row: Row) -> MatchRunRecord {
        MatchRunRecord(
            id: row["id"], startedAt: row["startedAt"], finishedAt: row["finishedAt"], date: row["date"] ?? CalendarDate(dayNumber: 0),
            actor: row["actor"], parameters: row["parameters"], households: row["households"], listings: row["listings"],
            pairsConsidered: row["pairsConsidered"], feasiblePairs: row["feasiblePairs"], suggestions: row["suggestions"],
            assigned: row["assigned"], milliseconds: row["milliseconds"])
    }

    public func matchRuns(limit: Int = 20, by actor: Actor) throws -> [MatchRunRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM matchRun ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.run)
        }
    }

    /// Runs' explanation terms (tens of kilobytes at district scale), each read once and shared by
    /// its suggestions rather than copied into each.
    struct RunTerms {
        private var read: [Int64: String?] = [:]

        mutating func of(_ run: Int64, _ db: Database) throws -> String? {
            if let terms = read[run] { return terms }
            let terms = try String?.fetchOne(db, sql: "SELECT explanationTerms FROM matchRun WHERE id = ?", arguments: [run]) ?? nil
            read[run] = .some(terms)
            return terms
        }
    }

    private func suggestionRecords(_ db: Database, where clause: String, arguments: StatementArguments) throws -> [SuggestionRecord] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT s.*, h.referenceCode FROM suggestion s JOIN household h ON h.id = s.householdId
            WHERE \(clause) ORDER BY s.id
            """, arguments: arguments)
        var terms = RunTerms()
        return try rows.map { row in
            let run: Int64 = row["matchRunId"]
            let id: Int64 = row["id"]
            let events = try Row.fetchAll(db, sql: "SELECT * FROM suggestionEvent WHERE suggestionId = ? ORDER BY id", arguments: [id]).map { e in
                SuggestionEvent(
                    from: (e["fromState"] as String?).flatMap(SuggestionState.init(rawValue:)), to: SuggestionState(rawValue: e["toState"]) ?? .suggested,
                    date: e["date"] ?? CalendarDate(dayNumber: 0), actor: e["actor"], reason: (e["reason"] as String?).flatMap(RejectionReason.init(rawValue:)),
                    note: e["note"])
            }
            return SuggestionRecord(
                id: id, runID: row["matchRunId"], householdID: row["householdId"], householdReference: row["referenceCode"],
                listingID: row["listingId"], rank: row["rank"], score: row["score"], priority: row["priority"], assigned: row["assigned"],
                state: SuggestionState(rawValue: row["state"]) ?? .withdrawn, stateDate: row["stateDate"] ?? CalendarDate(dayNumber: 0),
                costVerdict: row["costVerdict"], grossColdRent: Money(cents: row["grossColdRentCents"]),
                limit: (row["limitCents"] as Int64?).map(Money.init(cents:)), explanation: row["explanation"],
                explanationTerms: try terms.of(run, db), events: events)
        }
    }

    /// Suggestions the actor may see: a coach those of their cases, an admin all; newest run first.
    public func suggestions(householdKey: String? = nil, runID: Int64? = nil, includeClosed: Bool = false, by actor: Actor) throws -> [SuggestionRecord] {
        try write { db in
            guard actor.role != .jobcentre else {
                throw StoreError.forbidden(action: "list suggestions", needs: "a coach or an admin (job-centre staff use 'match review')", actor: actor.name, role: actor.role, command: actor.command)
            }
            var clauses: [String] = []
            var args: [any DatabaseValueConvertible] = []
            if let householdKey {
                let h = try accessibleHousehold(householdKey, db, actor: actor, action: "see this household's suggestions")
                clauses.append("s.householdId = ?")
                args.append(h.id?.rawValue ?? 0)
            } else if actor.role == .coach {
                // The coach's own cases and the ones an admin shared with them.
                clauses.append("(h.coachId = ? OR h.id IN (SELECT householdId FROM householdCoach WHERE coachId = ?))")
                args.append(actor.userID.rawValue)
                args.append(actor.userID.rawValue)
            }
            if let runID {
                guard try fetchRun(runID, db) != nil else {
                    throw StoreError.notFound(entity: "run", key: String(runID), hint: "'wohnlotse match runs' lists the runs with their numbers")
                }
                clauses.append("s.matchRunId = ?")
                args.append(runID)
            }
            if !includeClosed { clauses.append("s.state NOT IN ('withdrawn', 'rejected', 'declined-by-household', 'declined-by-landlord')") }
            let records = try suggestionRecords(db, where: clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), arguments: StatementArguments(args))
            try Audit.record(db, actor: actor, action: "list", entity: "suggestion", entityID: nil, detail: "\(records.count) suggestions")
            return records.sorted { ($0.householdReference, $0.runID, $0.rank) < ($1.householdReference, $1.runID, $1.rank) }
        }
    }

    /// One suggestion. Job-centre users may read it only while it is in their review or decided.
    public func suggestion(_ id: Int64, by actor: Actor) throws -> SuggestionRecord {
        try write { db in
            guard let record = try suggestionRecords(db, where: "s.id = ?", arguments: [id]).first else {
                throw Self.unknownSuggestion(id, for: actor)
            }
            try authorizeSuggestionRead(record, db, actor: actor)
            try Audit.record(db, actor: actor, action: "read", entity: "suggestion", entityID: id, householdID: record.householdID)
            return record
        }
    }

    /// A suggestion the actor cannot look up: for the job centre the same words whether it does not
    /// exist or is not yet submitted, so that ids do not tell which suggestions exist.
    static func unknownSuggestion(_ id: Int64, for actor: Actor) -> StoreError {
        actor.role == .jobcentre
            ? StoreError.notFound(entity: "suggestion", key: String(id), hint: "job-centre staff see suggestions once a coach submits them for review ('wohnlotse match review')")
            : StoreError.notFound(entity: "suggestion", key: String(id), hint: "'wohnlotse match list' shows suggestions with their ids")
    }

    func authorizeSuggestionRead(_ record: SuggestionRecord, _ db: Database, actor: Actor) throws {
        if actor.role == .jobcentre {
            guard SuggestionState.seenByJobcentre.contains(record.state) else { throw Self.unknownSuggestion(record.id, for: actor) }
            return
        }
        _ = try accessibleHousehold(record.householdID.description, db, actor: actor, action: "see this household's suggestions")
    }

    /// Moves a suggestion through the review workflow, checked against the workflow and the
    /// actor's role; approving or rejecting is for job-centre users only. A step is dated the day it
    /// happened: not before the last one, and not after `today` (when given): a Zusicherung dated
    /// ahead would hold up every later step until that day. A refusal needs a reason code and a text.
    public func moveSuggestion(
        _ id: Int64, to state: SuggestionState, on date: CalendarDate, reason: RejectionReason? = nil, note: String? = nil,
        today: CalendarDate? = nil, by actor: Actor
    ) throws -> SuggestionRecord {
        try write { db in
            guard let record = try suggestionRecords(db, where: "s.id = ?", arguments: [id]).first else {
                throw Self.unknownSuggestion(id, for: actor)
            }
            if let role = state.requiredRole {
                guard actor.role == role else {
                    throw StoreError.forbidden(action: "mark a suggestion \(state.rawValue)", needs: "a job-centre user", actor: actor.name, role: actor.role, command: actor.command)
                }
                try authorizeSuggestionRead(record, db, actor: actor)
            } else {
                guard actor.role != .jobcentre else {
                    throw StoreError.forbidden(action: "mark a suggestion \(state.rawValue)", needs: "the household's coach or an admin", actor: actor.name, role: actor.role, command: actor.command)
                }
                _ = try accessibleHousehold(record.householdID.description, db, actor: actor, action: "move this household's suggestions")
            }
            guard record.state.canMove(to: state) else {
                let allowed = record.state.nextSteps.map(\.rawValue).joined(separator: ", ")
                throw StoreError.invalid(.invalidField(field: "state", value: state.rawValue,
                    hint: "suggestion \(id) is \(record.state.rawValue); \(allowed.isEmpty ? "it is closed and takes no further step" : "its next step can be: \(allowed)")"))
            }
            if state == .rejected && reason == nil {
                throw StoreError.invalid(.invalidField(field: "reason", value: "", hint: "give a reason code: \(RejectionReason.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            if state == .rejected && (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw StoreError.invalid(.invalidField(field: "text", value: note ?? "", hint: "say why the Zusicherung is refused, for the coach and the household"))
            }
            if let today, date > today {
                throw StoreError.invalid(.invalidField(field: "date", value: date.iso, hint: "that is after today (\(today.iso)): a step is dated the day it happened, today or earlier"))
            }
            if date < record.stateDate {
                throw StoreError.invalid(.invalidField(field: "date", value: date.iso, hint: "the suggestion became \(record.state.rawValue) on \(record.stateDate.iso); a later step cannot be earlier"))
            }
            try db.execute(sql: "UPDATE suggestion SET state = ?, stateDate = ? WHERE id = ?", arguments: [state.rawValue, date.iso, id])
            try db.execute(sql: "INSERT INTO suggestionEvent (suggestionId, fromState, toState, date, actor, reason, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [id, record.state.rawValue, state.rawValue, date.iso, actor.name, reason?.rawValue, note])
            try Audit.record(db, actor: actor, action: "review", entity: "suggestion", entityID: id, householdID: record.householdID,
                detail: "\(record.state.rawValue) -> \(state.rawValue)")
            guard let updated = try suggestionRecords(db, where: "s.id = ?", arguments: [id]).first else { throw StoreError.refused("suggestion vanished") }
            return updated
        }
    }

    /// What waits for the job centre: submitted suggestions, oldest first, with only what a cost
    /// decision needs (no names, notes, visits or health-related needs).
    public func reviewQueue(today: CalendarDate, includeDecided: Bool = false, by actor: Actor) throws -> [CostDecisionView] {
        try write { db in
            guard actor.role == .jobcentre || actor.role == .admin else {
                throw StoreError.forbidden(action: "open the job centre's review queue", needs: "a job-centre user or an admin", actor: actor.name, role: actor.role, command: actor.command)
            }
            let states = includeDecided ? "'submitted', 'approved', 'rejected'" : "'submitted'"
            let records = try suggestionRecords(db, where: "s.state IN (\(states))", arguments: [])
                .sorted { ($0.stateDate, $0.id) < ($1.stateDate, $1.id) }
            var views: [CostDecisionView] = []
            for r in records {
                guard let h = try Household.fetchOne(db, key: r.householdID.rawValue),
                    let listing = try Listing.fetchOne(db, key: r.listingID.rawValue) else { continue }
                let births = try CalendarDate.fetchAll(db, sql: "SELECT birthDate FROM member WHERE householdId = ?", arguments: [r.householdID.rawValue])
                try Audit.record(db, actor: actor, action: "read", entity: "suggestion", entityID: r.id, householdID: r.householdID, detail: "review queue")
                views.append(CostDecisionView(
                    suggestion: r, householdSize: births.count, ages: births.map { $0.age(on: today) }.sorted(by: >), benefitType: h.benefitType,
                    listing: listing, waitingSince: r.stateDate, otherZusicherungen: try Self.otherZusicherungen(household: r.householdID, except: r.id, db)))
            }
            return views
        }
    }
}

/// A parser that parses each distinct text once (values repeat across thousands of rows).
private struct ParsedOnce<Value> {
    private var known: [String: Value?] = [:]
    private let parse: (String) -> Value?

    init(_ parse: @escaping (String) -> Value?) { self.parse = parse }

    mutating func callAsFunction(_ text: String?) -> Value? {
        guard let text else { return nil }
        if let value = known[text] { return value }
        let value = parse(text)
        known[text] = value
        return value
    }
}
