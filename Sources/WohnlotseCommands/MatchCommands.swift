import ArgumentParser
import Foundation
import HousingDomain
import HousingStore
import Matching
import RuleBook

struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Suggest flats to households, explain why, and track the job centre's review.",
        discussion: """
            Review workflow: suggested → present → submit → approve (job centre, Zusicherung) or reject → apply → \
            viewing → contract → moved-in; decline-household / decline-landlord at any open step.
            """,
        subcommands: [Run.self, List.self, Explain.self, Why.self, Move.self, Approve.self, Reject.self, Review.self, Runs.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match every case looking for a flat against the active listings, and store the suggestions.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The day to judge costs and dates on (default: today).", transform: Parse.date) var on: CalendarDate?
        @Option(help: "Suggestions per household (default: Rules/matching.yaml).") var top: Int?
        @Option(help: "How many households to print.") var show = 5
        @Flag(help: "Print the full explanation of each printed household's assigned flat.") var explain = false

        func validate() throws {
            if let top, !(1...100).contains(top) { throw ValidationError("--top must be 1 to 100") }
        }

        func run() throws {
            let (db, actor) = try global.session("match run")
            let book = try global.ruleBook()
            let date = on ?? global.today
            var rules = book.matching
            if let top { rules.suggestionsPerHousehold = top }
            let (run, outcome, input) = try MatchJob.perform(db: db, actor: actor, book: book, rules: rules, on: date)
            let stored = try db.suggestions(runID: run.id, by: actor)
            try global.emit(run) {
                print("Run \(run.id) on \(date.iso): \(run.households) households × \(run.listings) listings, \(run.pairsConsidered) pairs in their cost bands, \(run.feasiblePairs) feasible; \(run.suggestions) suggestions, \(run.assigned) flats assigned (\(run.milliseconds) ms).")
                if actor.role == .coach {
                    print("Only your cases (in your charge or shared with you) took part: the assignment gives each of them one flat among these; an admin's run spans every case.")
                }
                if !outcome.assignmentProven {
                    print(String(format: "The assignment was not proven optimal within the work bound: its total priority %.4f is at most %.4f below the best possible.",
                        outcome.totalPriority, outcome.assignmentGap))
                }
                let withoutFlat = outcome.results.filter { $0.assigned == nil }.map { input.households[$0.household].household.referenceCode }
                if !withoutFlat.isEmpty { print("No flat for: \(withoutFlat.joined(separator: ", ")) (see 'wohnlotse match why --household REF --listing ID')") }
                let byHousehold = Dictionary(grouping: stored, by: \.householdReference)
                for reference in byHousehold.keys.sorted().prefix(show) {
                    let list = (byHousehold[reference] ?? []).sorted { $0.rank < $1.rank }
                    print("\n\(reference):")
                    for s in list.prefix(3) {
                        print(String(format: "  #%d  suggestion %d  listing %d  score %.2f  %@%@", s.rank, s.id, s.listingID.rawValue, s.score,
                            s.grossColdRent.description, s.assigned ? "  ← assigned" : ""))
                    }
                    if explain, let assigned = list.first(where: \.assigned), let e = try? decodeExplanation(assigned) {
                        print(ExplanationText.render(assigned, e, listing: try? db.listing(assigned.listingID, by: actor), redacted: false)
                            .split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                    }
                }
                if byHousehold.count > show { print("\n… \(byHousehold.count - show) more households: wohnlotse match list --run \(run.id)") }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List open suggestions (your cases; admins: all).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this household (reference code or id).") var household: String?
        @Option(name: .customLong("run"), help: "Only this run.") var runID: Int64?
        @Flag(help: "Include withdrawn, rejected and declined suggestions.") var all = false

        func run() throws {
            let (db, actor) = try global.session("match list")
            let list = try db.suggestions(householdKey: household, runID: runID, includeClosed: all, by: actor)
            try global.emit(list.map(SuggestionJSON.init)) {
                print(Output.table(["id", "household", "rank", "listing", "score", "Bruttokalt", "KdU", "state", "since", "run"], list.map {
                    [String($0.id), $0.householdReference, String($0.rank) + ($0.assigned ? "*" : ""), String($0.listingID.rawValue), String(format: "%.2f", $0.score),
                     $0.grossColdRent.description, $0.costVerdict ?? "-", $0.state.rawValue, $0.stateDate.iso, String($0.runID)]
                }))
                if list.contains(where: \.assigned) { print("* assigned to this household by the global assignment") }
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Explain a suggestion: each check with its numbers, each score component, the rules used.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Suggestion id.") var id: Int64

        func run() throws {
            let (db, actor) = try global.session("match explain")
            let record = try db.suggestion(id, by: actor)
            let explanation = try decodeExplanation(record)
            let redacted = actor.role == .jobcentre
            try global.emit(redacted ? explanation.redactedForJobcentre() : explanation) {
                print(ExplanationText.render(record, explanation, listing: try? db.listing(record.listingID, by: actor), redacted: redacted))
            }
        }
    }

    struct Why: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "why", abstract: "Check any household × listing pair now: which checks pass or fail, and its score.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Household (reference code or id).") var household: String
        @Option(help: "Listing id.") var listing: Int64
        @Option(help: "The day to judge on (default: today).", transform: Parse.date) var on: CalendarDate?

        func run() throws {
            let (db, actor) = try global.session("match why")
            let book = try global.ruleBook()
            let detail = try db.householdDetail(household, by: actor)
            let flat = try db.listing(Listing.ID(listing), by: actor)
            let openness = try flat.landlordID.map { try db.landlordDetail($0, by: actor).landlord.openness }
            let engine = MatchingEngine(book: book)
            let e = try engine.explain(
                household: HouseholdProfile(household: detail.household, members: detail.members, anchors: detail.anchors),
                listing: flat, landlordOpenness: openness, on: on ?? global.today)
            try global.emit(e) {
                print(e.passed ? "SUITABLE — listing \(listing) passes every check for \(detail.household.referenceCode)" : "NOT SUITABLE — \(e.failedChecks.map(\.detail).joined(separator: "; "))")
                print(ExplanationText.body(e, redacted: false))
            }
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a suggestion on: present, submit, apply, viewing, contract, moved-in, decline-household, decline-landlord.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Suggestion id.") var id: Int64
        @Argument(help: "present, submit, apply, viewing, contract, moved-in, decline-household or decline-landlord.") var step: String
        @Option(help: "Day of the step (default: today).", transform: Parse.date) var date: CalendarDate?
        @Option(help: "A few words, e.g. why the household declined.") var note: String?

        static let steps: [String: SuggestionState] = [
            "present": .presented, "submit": .submitted, "apply": .applied, "viewing": .viewing, "contract": .contractSigned,
            "moved-in": .movedIn, "decline-household": .declinedByHousehold, "decline-landlord": .declinedByLandlord,
        ]

        func validate() throws {
            guard Self.steps[step] != nil else {
                throw ValidationError("unknown step '\(step)': use \(Self.steps.keys.sorted().joined(separator: ", ")) (the job centre uses 'match approve' / 'match reject')")
            }
        }

        func run() throws {
            let (db, actor) = try global.session("match move")
            guard let state = Self.steps[step] else { return }
            let record: SuggestionRecord
            do {
                record = try db.moveSuggestion(id, to: state, on: date ?? global.today, note: note, today: global.today, by: actor)
            } catch StoreError.invalid(.invalidField(field: "state", _, _)) {
                throw StoreError.invalid(.invalidField(field: "step", value: step, hint: try Self.notNow(id, db: db, actor: actor)))
            }
            try global.emit(SuggestionJSON(record)) { print("Suggestion \(id) (\(record.householdReference), listing \(record.listingID)) is now \(record.state.rawValue).") }
        }

        /// Why the step cannot be taken now, in this command's words: what the suggestion is and the
        /// commands for its next steps.
        static func notNow(_ id: Int64, db: AppDatabase, actor: Actor) throws -> String {
            let current = try db.suggestion(id, by: actor).state
            let next = current.nextSteps.compactMap { state -> String? in
                switch state {
                case .approved: return "the job centre's 'wohnlotse match approve \(id)'"
                case .rejected: return "'match reject \(id)'"
                default: return steps.first { $0.value == state }.map { "'wohnlotse match move \(id) \($0.key)'" }
                }
            }
            guard !next.isEmpty else { return "suggestion \(id) is \(current.rawValue), closed: it takes no further step" }
            return "suggestion \(id) is \(current.rawValue); its next step: " + next.joined(separator: ", or ")
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Job centre: grant the Zusicherung (§ 22 Abs. 4 SGB II) for a submitted suggestion.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Suggestion id.") var id: Int64
        @Option(help: "Date of the Zusicherung (default: today).", transform: Parse.date) var date: CalendarDate?
        @Option(help: "Conditions or remarks.") var note: String?

        func run() throws {
            let (db, actor) = try global.session("match approve")
            let record = try db.moveSuggestion(id, to: .approved, on: date ?? global.today, note: note, today: global.today, by: actor)
            try global.emit(SuggestionJSON(record)) { print("Zusicherung granted on \(record.stateDate.iso) for suggestion \(id) (\(record.householdReference), listing \(record.listingID)).") }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Job centre: refuse the Zusicherung for a submitted suggestion, with a reason code.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Suggestion id.") var id: Int64
        @Option(help: "Reason: \(RejectionReason.allCases.map(\.rawValue).joined(separator: ", ")).") var reason: RejectionReason
        @Option(help: "Explanation for the household and coach.") var text: String
        @Option(help: "Date of the decision (default: today).", transform: Parse.date) var date: CalendarDate?

        func run() throws {
            let (db, actor) = try global.session("match reject")
            let record = try db.moveSuggestion(id, to: .rejected, on: date ?? global.today, reason: reason, note: text, today: global.today, by: actor)
            try global.emit(SuggestionJSON(record)) { print("Zusicherung refused for suggestion \(id) (\(reason.rawValue)).") }
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Job centre: what waits for a cost decision, oldest first, the cost verdict first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Also show decided suggestions.") var all = false

        func run() throws {
            let (db, actor) = try global.session("match review")
            let queue = try db.reviewQueue(today: global.today, includeDecided: all, by: actor)
            try global.emit(queue.map(ReviewItemJSON.init)) {
                print(Output.table(["id", "KdU verdict", "limit", "Bruttokalt", "headroom", "heating", "case", "persons", "ages", "benefit", "flat", "waiting since", "state"], queue.map { v in
                    let s = v.suggestion
                    let e = try? decodeExplanation(s)
                    let headroom = s.limit.map { $0 - s.grossColdRent }
                    return [String(s.id), (s.costVerdict ?? "-").uppercased(), s.limit?.description ?? "-", s.grossColdRent.description,
                            headroom.map { $0.cents >= 0 ? $0.description : "\((-$0).description) over" } ?? "-", e?.cost?.heating.verdict.rawValue ?? "-",
                            s.householdReference, String(v.householdSize), v.ages.map(String.init).joined(separator: ","), v.benefitType.rawValue,
                            "\(v.listing.address.postalCode?.rawValue ?? "") \(v.listing.address.place ?? ""), \(Output.rooms(v.listing.rooms)) rooms, \(Output.area(v.listing.livingArea))",
                            v.waitingSince.iso, s.state.rawValue]
                }))
                for v in queue where !v.otherZusicherungen.isEmpty {
                    let held = v.otherZusicherungen.map { "suggestion \($0.suggestionID) (listing \($0.listingID), granted \($0.grantedOn.iso), now \($0.state.rawValue))" }
                    print("Note: \(v.suggestion.householdReference) (suggestion \(v.suggestion.id)) already holds a Zusicherung: \(held.joined(separator: "; ")).")
                }
                if !queue.isEmpty { print("\nDetails: wohnlotse match explain ID · decide: wohnlotse match approve ID / match reject ID --reason CODE --text '…'") }
            }
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Past matching runs with their counts and time taken.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let (db, actor) = try global.session("match runs")
            let runs = try db.matchRuns(by: actor)
            try global.emit(runs) {
                print(Output.table(["run", "date", "by", "households", "listings", "pairs", "feasible", "suggestions", "assigned", "ms"], runs.map {
                    [String($0.id), $0.date.iso, $0.actor, String($0.households), String($0.listings), String($0.pairsConsidered), String($0.feasiblePairs),
                     String($0.suggestions), String($0.assigned), String($0.milliseconds)]
                }))
            }
        }
    }
}

/// One matching run: load, score, assign, explain, store. Shared by `match run`, `demo` and the
/// benchmark (`WohnlotseBench match`), which times exactly this.
public enum MatchJob {
    /// A finished run with the seconds of its phases (the engine's own are in `outcome.seconds`).
    public struct Report: Sendable {
        public var run: MatchRunRecord
        public var outcome: MatchingEngine.Outcome
        public var input: MatchingInput
        /// Wall-clock seconds per phase, and the process's CPU seconds (user + system, all cores) per
        /// phase. Explanations are built while the first ones are stored, so they share a phase.
        public var load, engine, explainAndStore, total: Phase
        public var suggestions: Int

        public struct Phase: Sendable {
            public var wall: Double
            public var cpu: Double
        }
    }

    /// Suggestions explained per batch: the store takes one while the next is built.
    static let explanationBatch = 1024

    static func perform(db: AppDatabase, actor: Actor, book: RuleBook, rules: MatchingRules, on date: CalendarDate) throws
        -> (MatchRunRecord, MatchingEngine.Outcome, MatchingInput)
    {
        let report = try run(db: db, actor: actor, book: book, rules: rules, on: date)
        return (report.run, report.outcome, report.input)
    }

    public static func run(db: AppDatabase, actor: Actor, book: RuleBook, rules: MatchingRules, on date: CalendarDate) throws -> Report {
        var marks = [Mark.now()]
        let engine = MatchingEngine(book: book, rules: rules)
        let started = Date()
        let input = try db.matchingInput(on: date, by: actor)
        marks.append(.now())
        // The best k of each household are explained while the assignment runs (see SuggestionBuilder).
        let builder = SuggestionBuilder(rules: engine.rules, input: input)
        let outcome = try engine.run(
            households: input.households, listings: input.listings, landlords: input.landlordOpenness, on: date, whileAssigning: builder.start)
        marks.append(.now())
        let ms = Int(Date().timeIntervalSince(started) * 1000)
        let requests = outcome.suggestions(input: input)
        let size = explanationBatch
        // One thread hands over explained suggestions while this one stores: on two cores both are
        // busy, and the store never waits for a core.
        let batches = OrderedBatches(count: (requests.count + size - 1) / size) { i in
            try builder.suggestions(requests[(i * size)..<min(requests.count, (i + 1) * size)], outcome: outcome)
        }
        defer { batches.cancel() }
        let parameters = "{\"top\": \(rules.suggestionsPerHousehold), \"costTolerancePercent\": \(rules.costTolerancePercent), \"weights\": \"\(rules.version)\"}"
        let run = try db.saveMatchRun(
            date: date, startedAt: started.formatted(.iso8601), parameters: parameters, households: input.households.count,
            listings: input.listings.count, pairsConsidered: outcome.pairsConsidered, feasiblePairs: outcome.feasiblePairs,
            milliseconds: ms, householdIDs: Set(requests.map(\.householdID)), next: { try batches.next() },
            explanationTerms: { try builder.terms(outcome).map(Self.json) }, by: actor)
        marks.append(.now())
        func phase(_ from: Int, _ to: Int) -> Report.Phase { Report.Phase(wall: marks[to].wall - marks[from].wall, cpu: marks[to].cpu - marks[from].cpu) }
        return Report(
            run: run, outcome: outcome, input: input, load: phase(0, 1), engine: phase(1, 2), explainAndStore: phase(2, 3),
            total: phase(0, 3), suggestions: requests.count)
    }

    static func json(_ terms: ExplanationTerms) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(terms), as: UTF8.self)
    }

    /// A point in time: monotonic wall clock and the process's CPU time, in seconds.
    struct Mark {
        var wall: Double
        var cpu: Double

        static func now() -> Mark {
            var wall = timespec()
            var cpu = timespec()
            clock_gettime(CLOCK_MONOTONIC, &wall)
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu)
            func s(_ t: timespec) -> Double { Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }
            return Mark(wall: s(wall), cpu: s(cpu))
        }
    }
}

func decodeExplanation(_ record: SuggestionRecord) throws -> MatchExplanation {
    try MatchExplanation(stored: record.explanation, terms: record.explanationTerms)
}

/// One entry of the job centre's queue as `--json` prints it: only what a cost decision needs,
/// the explanation redacted, the coaches' notes left out.
struct ReviewItemJSON: Encodable {
    var id: Int64
    var household: String
    var householdSize: Int
    var ages: [Int]
    var benefitType: BenefitType
    var listing: Listing
    var state: SuggestionState
    var waitingSince: CalendarDate
    var costVerdict: String?
    var grossColdRent: Money
    var limit: Money?
    var explanation: MatchExplanation?
    var history: [SuggestionEvent]
    var otherZusicherungen: [GrantedZusicherung]

    init(_ v: CostDecisionView) {
        let s = v.suggestion
        id = s.id
        household = s.householdReference
        householdSize = v.householdSize
        ages = v.ages
        benefitType = v.benefitType
        listing = v.listing
        state = s.state
        waitingSince = v.waitingSince
        costVerdict = s.costVerdict
        grossColdRent = s.grossColdRent
        limit = s.limit
        explanation = (try? decodeExplanation(s))?.redactedForJobcentre()
        history = s.events.redactedForJobcentre()
        otherZusicherungen = v.otherZusicherungen
    }
}

/// A suggestion as `--json` prints it (the explanation decoded, not a string).
struct SuggestionJSON: Encodable {
    var id: Int64
    var run: Int64
    var household: String
    var listing: Int64
    var rank: Int
    var score: Double
    var assigned: Bool
    var state: SuggestionState
    var stateDate: CalendarDate
    var costVerdict: String?
    var grossColdRent: Money
    var limit: Money?
    var events: [SuggestionEvent]

    init(_ r: SuggestionRecord) {
        id = r.id
        run = r.runID
        household = r.householdReference
        listing = r.listingID.rawValue
        rank = r.rank
        score = r.score
        assigned = r.assigned
        state = r.state
        stateDate = r.stateDate
        costVerdict = r.costVerdict
        grossColdRent = r.grossColdRent
        limit = r.limit
        events = r.events
    }
}

enum ExplanationText {
    static func render(_ s: SuggestionRecord, _ e: MatchExplanation, listing: Listing?, redacted: Bool) -> String {
        let shown = redacted ? e.redactedForJobcentre() : e
        var out = "Suggestion \(s.id) of run \(s.runID): \(s.householdReference) × listing \(s.listingID) — rank \(s.rank)\(s.assigned ? ", ASSIGNED by the global assignment" : ""), state \(s.state.rawValue) since \(s.stateDate.iso)\n"
        if let l = listing {
            out += "Flat: \(Output.rooms(l.rooms)) room(s), \(Output.area(l.livingArea)), \(l.address.oneLine)\(l.floor.map { ", floor \($0)" } ?? "") — \(l.source)/\(l.externalID)\n"
        }
        out += body(shown, redacted: redacted)
        let events = redacted ? s.events.redactedForJobcentre() : s.events
        if !events.isEmpty {
            out += "\nHistory:\n" + events.map { "  \($0.date.iso)  \($0.from?.rawValue ?? "-") → \($0.to.rawValue)  by \($0.actor)\($0.reason.map { "  reason \($0.rawValue)" } ?? "")\($0.note.map { "  \($0)" } ?? "")" }.joined(separator: "\n") + "\n"
        }
        return out
    }

    static func body(_ e: MatchExplanation, redacted: Bool) -> String {
        var out = ""
        if let c = e.cost {
            out += "Cost (KdU): \(CostJudgementReport.headline(c))"
            if let region = c.region, let row = c.row { out += " — Vergleichsraum \(region.name), \(row.householdSize) person(s)" }
            out += "\n  Bruttokaltmiete \(c.grossColdRent) = \(c.netColdRent) Nettokaltmiete + \(c.operatingCosts) kalte Betriebskosten"
            if let limit = c.limit { out += "; limit \(limit)" }
            out += "\n  Heating: \(c.heating.verdict.rawValue)\(c.heating.reason.map { " — \($0)" } ?? "")\n"
            if e.overLimitWithinTolerance { out += "  Over the limit within the configured tolerance: the job centre must consent.\n" }
        } else {
            out += "Cost (KdU): could not be judged\n"
        }
        out += "Checks:\n"
        for c in e.checks { out += "  \(c.passed ? "✓" : "✗") \(c.id.padding(toLength: 8, withPad: " ", startingAt: 0)) \(c.detail)\n" }
        out += String(format: "Score %.3f (0…1):\n", e.score)
        for c in e.components {
            out += String(format: "  %@ %.2f × weight %.2f = %.3f   %@\n", c.id.padding(toLength: 23, withPad: " ", startingAt: 0), c.value, c.weight, c.contribution, c.detail)
        }
        out += String(format: "Priority in the global assignment %.3f (urgency %.2f: %@)\n", e.priority, e.urgency, e.urgencyDetail)
        if !e.trips.isEmpty {
            out += "Trips (estimated from straight-line distance, not a timetable):\n"
            for t in e.trips {
                out += String(format: "  %@: %.0f min %@, %.1f km by road, %d×/week\n", t.anchor, t.estimate.minutes, t.estimate.mode.phrase, t.estimate.distanceKilometres, t.daysPerWeek)
            }
        }
        out += "Rules: \(e.rulesVersion); weights: \(e.weightsVersion); judged on \(e.date.iso)"
        if let notes = e.cost?.notes, !notes.isEmpty { out += "\nNotes:\n" + notes.map { "  - \($0)" }.joined(separator: "\n") }
        return out + "\n"
    }
}

extension RejectionReason: ExpressibleByArgument {}
