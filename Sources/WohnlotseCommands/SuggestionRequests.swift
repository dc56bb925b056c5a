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

    /// The pair's explanation facts from the run's own plans, packed for the store; the texts the
    /// facts repeat go into `texts`, which the run stores once with its explanation terms.
    public func build(from outcome: MatchingEngine.Outcome, rules: MatchingRules, texts: inout TextTable) throws -> NewSuggestion {
        guard let facts = outcome.explanationFacts(household: household, listing: listing, texts: &texts) else {
            throw CommandFailure(description: "suggestion \(rank) of household \(householdID) is not a pair of this run")
        }
        return NewSuggestion(
            householdID: householdID, listingID: listingID, rank: rank, score: min(1, max(0, facts.score(rules))),
            priority: facts.priority(rules), assigned: assigned, costVerdict: facts.cost?.verdict.rawValue,
            grossColdRent: grossColdRent, limit: facts.cost?.limit, explanation: try facts.jsonText())
    }
}

extension MatchingEngine.Outcome {
    /// Every kept candidate of every household, in order.
    public func suggestions(input: MatchingInput) -> [SuggestionRequest] {
        var requests: [SuggestionRequest] = []
        for result in results {
            guard let householdID = input.households[result.household].household.id else { continue }
            for (rank, c) in result.top.enumerated() {
                let listing = input.listings[c.listing]
                guard let listingID = listing.id else { continue }
                requests.append(SuggestionRequest(
                    household: result.household, listing: c.listing, householdID: householdID, listingID: listingID,
                    grossColdRent: listing.grossColdRent, rank: rank + 1, assigned: result.assigned == c.listing))
            }
        }
        return requests
    }
}
