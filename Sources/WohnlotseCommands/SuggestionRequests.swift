import Foundation
import HousingDomain
import HousingStore
import Matching
import RuleBook

/// One suggestion to explain and store: a household's candidate with its rank.
public struct SuggestionRequest: Sendable {
    /// Indices into the run's households and listings.
    var household: Int
    var listing: Int
    public var householdID: Household.ID
    var listingID: Listing.ID
    var grossColdRent: Money
    var rank: Int
    var assigned: Bool

    /// Packs the pair's explanation facts for the store; `facts` makes them from the run's own plans
    /// (the texts they repeat go into `texts`, which the run stores once with its explanation terms).
    func build(rules: MatchingRules, texts: inout TextTable, facts: (Int, Int, inout TextTable) -> ExplanationFacts?) throws -> NewSuggestion {
        guard let facts = facts(household, listing, &texts) else {
            throw CommandFailure(description: "suggestion \(rank) of household \(householdID) is not a pair of this run")
        }
        return NewSuggestion(
            householdID: householdID, listingID: listingID, rank: rank, score: min(1, max(0, facts.score(rules))),
            priority: facts.priority(rules), assigned: assigned, costVerdict: facts.cost?.verdict.rawValue,
            grossColdRent: grossColdRent, limit: facts.cost?.limit, explanation: try facts.jsonText())
    }
}

extension SuggestionRequest {
    /// The request for a pair of the run; nil for a household or listing not stored (no id).
    init?(input: MatchingInput, household: Int, listing: Int, rank: Int, assigned: Bool) {
        let flat = input.listings[listing]
        guard let householdID = input.households[household].household.id, let listingID = flat.id else { return nil }
        self.init(
            household: household, listing: listing, householdID: householdID, listingID: listingID, grossColdRent: flat.grossColdRent,
            rank: rank, assigned: assigned)
    }
}

/// Makes the stored suggestions of a run. Each household's best k are known before the global
/// assignment and do not change with it, so they are explained while it runs, on the core it leaves
/// free (`start`); the rest (an assigned flat below the top k) after. One table of shared texts
/// serves the whole run and is filled in the same order every time, so a run stores the same bytes.
final class SuggestionBuilder: @unchecked Sendable {
    private struct Pair: Hashable {
        var household: Int
        var listing: Int
    }

    let rules: MatchingRules
    let input: MatchingInput
    private let lock = NSLock()
    private var texts = TextTable()
    private var early: [Pair: NewSuggestion] = [:]
    private var failure: (any Error)?
    private let started = DispatchGroup()

    init(rules: MatchingRules, input: MatchingInput) {
        self.rules = rules
        self.input = input
    }

    /// Starts explaining the best k of every household in the background.
    func start(_ preview: MatchingEngine.Preview) {
        started.enter()
        DispatchQueue.global().async { [self] in
            defer { started.leave() }
            lock.withLock {
                do {
                    for (household, listings) in preview.top {
                        for (rank, listing) in listings.enumerated() {
                            guard let request = SuggestionRequest(input: input, household: household, listing: listing, rank: rank + 1, assigned: false)
                            else { continue }
                            early[Pair(household: household, listing: listing)] = try request.build(rules: rules, texts: &texts) {
                                preview.explanationFacts(household: $0, listing: $1, texts: &$2)
                            }
                        }
                    }
                } catch {
                    failure = error
                }
            }
        }
    }

    /// The suggestions of `requests`, in order: those explained early, the others now. Waits for the
    /// early ones first.
    func suggestions(_ requests: ArraySlice<SuggestionRequest>, outcome: MatchingEngine.Outcome) throws -> [NewSuggestion] {
        started.wait()
        return try lock.withLock {
            if let failure { throw failure }
            return try requests.map { request in
                if var made = early.removeValue(forKey: Pair(household: request.household, listing: request.listing)) {
                    made.rank = request.rank
                    made.assigned = request.assigned
                    return made
                }
                return try request.build(rules: rules, texts: &texts) { outcome.explanationFacts(household: $0, listing: $1, texts: &$2) }
            }
        }
    }

    /// What the run's explanations share, once every suggestion is made.
    func terms(_ outcome: MatchingEngine.Outcome) -> ExplanationTerms? {
        lock.withLock { outcome.explanationTerms(texts: texts) }
    }
}

extension MatchingEngine.Outcome {
    /// Every kept candidate of every household, in order.
    public func suggestions(input: MatchingInput) -> [SuggestionRequest] {
        var requests: [SuggestionRequest] = []
        for result in results {
            for (rank, c) in result.top.enumerated() {
                guard let request = SuggestionRequest(
                    input: input, household: result.household, listing: c.listing, rank: rank + 1, assigned: result.assigned == c.listing)
                else { continue }
                requests.append(request)
            }
        }
        return requests
    }
}
